"""Random stacks of layers for the stack calculator, and what torch makes of them.

`random_stack` writes a plausible model the way a reader would type it
(``Conv2d(3, 8, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(?, 10)``), now and
then with a mistake (a wrong channel count, a typo in a layer's name, one pooling too
many, a missing parenthesis). `run_stack` runs it through torch, layer after layer, on a
freshly built (training-mode) model, as `layerref.formulas.stack_summary` describes it: each
row's output shape and parameter count, or the first layer torch refuses and the class of
its exception. A ``?`` is filled in the way torch's lazy modules infer their input size
(`nn.LazyLinear`: the last dimension; `nn.LazyConv2d`: the channel dimension).
"""

from __future__ import annotations

import functools
import random
import re
from types import CodeType
from typing import Any

import torch
from torch import nn

from layerref.formulas import STACK_LAYERS

#: What a stack's text may name: the layers the calculator knows (anything else is a
#: NameError, as in Python), with or without ``nn.``.
NAMESPACE: dict[str, Any] = {name: getattr(nn, name) for name in STACK_LAYERS} | {"nn": nn}
_NAME = re.compile(r"^\s*(?:nn\.)?(\w+)")
_QUESTION = re.compile(r"('[^'\n]*'|\"[^\"\n]*\")|\?")


def _dims(name: str) -> int:
    return int(name[-2]) if name[-2:-1].isdigit() else 0


def infer_size(name: str, shape: tuple[int, ...]) -> int | None:
    """The size ``?`` stands for in layer ``name`` given its input's shape (lazy modules' rule).

    ``None`` when the input cannot feed the layer at all (a lazy module raises then).
    """
    ndim = len(shape)
    if name.startswith("Conv"):
        d = _dims(name)
        return shape[-(d + 1)] if ndim in (d + 1, d + 2) else None
    if name.startswith("BatchNorm") or name == "GroupNorm":
        return shape[1] if ndim >= 2 else None
    return shape[-1]


def torch_layer(text: str, x: torch.Tensor) -> tuple[nn.Module, torch.Tensor]:
    """Build the layer ``text`` (``?`` filled from ``x``) and apply it to ``x``."""
    match = _NAME.match(text)
    name = match[1] if match else ""
    if any(m[1] is None for m in _QUESTION.finditer(text)):
        size = infer_size(name, tuple(x.shape))
        if size is None:
            raise ValueError(f"{name} cannot infer its input size from a {x.dim()}-d input")
        text = _QUESTION.sub(lambda m: m[1] or str(size), text)
    module = eval(_compiled(text), {"__builtins__": {}}, NAMESPACE)  # the reader's Python
    return module, module(x)


@functools.lru_cache(maxsize=4096)
def _compiled(text: str) -> CodeType:
    """``text`` compiled (``ReLU()``, ``Flatten()``, ``MaxPool2d(2)`` recur: compile once)."""
    return compile(text, "<layer>", "eval")


class _Run:
    """Torch applying a stack's layers one after the other, up to the first it refuses."""

    def __init__(self, input_shape: list[int], first_layer: str) -> None:
        first = _NAME.match(first_layer)
        integer = first is not None and first[1] == "Embedding"
        self.x = torch.zeros(input_shape, dtype=torch.long if integer else torch.float32)
        self.rows: list[dict[str, Any]] = []
        self.error: str | None = None
        self.index: int | None = None
        self.empty = False  # whether a layer returned a tensor with a dimension of size 0

    def step(self, text: str) -> None:
        if self.error is not None:
            return
        try:
            module, self.x = torch_layer(text, self.x)
        except Exception as error:  # torch's rejection, whatever its class
            self.error, self.index = type(error).__name__, len(self.rows)
            return
        self.empty = self.empty or 0 in self.x.shape
        params = sum(p.numel() for p in module.parameters())
        self.rows.append({"output_shape": list(self.x.shape), "params": params})

    def outcome(self) -> dict[str, Any]:
        if self.error is not None:
            return {"error": self.error, "index": self.index, "empty": self.empty}
        return {
            "expect": {
                "layers": self.rows,
                "output_shape": list(self.x.shape),
                "total_params": sum(row["params"] for row in self.rows),
            },
            "empty": self.empty,
        }


def _syntax_error(text: str) -> bool:
    try:
        compile(f"[{_QUESTION.sub(lambda m: m[1] or '0', text)}\n]", "<stack>", "eval")
    except SyntaxError:
        return True
    return False


def run_stack(parts: list[str], input_shape: list[int]) -> dict[str, Any]:
    """What torch makes of the layers ``parts`` on an input of ``input_shape``.

    ``{"expect": {"layers": [{"output_shape", "params"}, ...], "output_shape",
    "total_params"}}``, or ``{"error": class name, "index": layer}`` (``index`` ``None``
    when the text as a whole is not Python); ``"empty"`` says whether a layer returned a
    tensor with a dimension of size 0 on the way.
    """
    if _syntax_error(", ".join(parts)):
        return {"error": "SyntaxError", "index": None, "empty": False}
    run = _Run(input_shape, parts[0])
    for part in parts:
        run.step(part)
    return run.outcome()


# --- writing random stacks ---------------------------------------------------------


def _fmt(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_fmt(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def _call(name: str, *args: Any, **kwargs: Any) -> str:
    parts = [a if isinstance(a, _Raw) else _fmt(a) for a in args]
    parts += [f"{k}={_fmt(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


class _Raw(str):
    """An argument written as is (``?``)."""


_ACTIVATIONS = (
    "ReLU()",
    "ReLU(inplace=True)",
    "GELU()",
    "GELU(approximate='tanh')",
    "SiLU()",
    "Tanh()",
    "Sigmoid()",
    "LeakyReLU(0.2)",
    "ELU()",
    "Mish()",
    "Hardswish()",
    "ReLU6()",
    "Identity()",
)


class _Writer:
    """Writes a stack layer by layer, following the shape torch gives so far."""

    def __init__(self, rng: random.Random, input_shape: list[int], integer: bool) -> None:
        self.rng = rng
        self.parts: list[str] = []
        self.run = _Run(input_shape, "Embedding()" if integer else "")
        self.shape = tuple(input_shape)

    def add(self, text: str) -> None:
        """Append a layer; torch applies it (once broken, the rest is written blind)."""
        self.parts.append(text)
        self.run.step(text)
        if self.run.error is None:
            self.shape = tuple(self.run.x.shape)

    def size_arg(self, value: int) -> Any:
        """The input size as the reader writes it: usually right, often ``?``, rarely wrong."""
        roll = self.rng.random()
        if roll < 0.35:
            return _Raw("?")
        if roll < 0.95:
            return value
        return value + self.rng.choice((-1, 1, 2)) if value > 1 else value + 1

    def maybe(self, p: float) -> bool:
        return self.rng.random() < p

    def activation(self) -> None:
        self.add(self.rng.choice(_ACTIVATIONS))

    def conv_block(self, d: int) -> None:
        rng = self.rng
        channels = self.shape[1] if len(self.shape) > 1 else 1
        out = rng.choice((2, 3, 4, 6))
        kernel = rng.choice((1, 2, 3, 3, 5)) if rng.random() < 0.8 else (rng.randint(1, 3),) * d
        k = kernel if isinstance(kernel, int) else kernel[0]
        kwargs: dict[str, Any] = {}
        if self.maybe(0.3):
            kwargs["stride"] = rng.choice((2, 2, 3))
        if self.maybe(0.5):
            kwargs["padding"] = (
                "same" if "stride" not in kwargs and self.maybe(0.3) else rng.randint(0, k)
            )
        if self.maybe(0.1):
            kwargs["dilation"] = 2
        if self.maybe(0.15):
            divisors = [g for g in (2, 3, 4) if channels % g == 0]
            groups = rng.choice(divisors) if divisors and self.maybe(0.85) else rng.choice((2, 3))
            kwargs["groups"] = groups
            out = out if out % groups == 0 else out * groups
        if self.maybe(0.15):
            kwargs["bias"] = False
        if self.maybe(0.02):
            kwargs["strides"] = 2  # a typo: TypeError
        name = f"Conv{d}d" if not self.maybe(0.02) else f"Conv{d}D"  # a typo: NameError
        self.add(_call(name, self.size_arg(channels), out, kernel, **kwargs))
        if self.maybe(0.4):
            if self.maybe(0.8):
                self.add(_call(f"BatchNorm{d}d", self.size_arg(out)))
            else:
                groups = rng.choice((1, 2, 3))
                self.add(_call("GroupNorm", groups, self.size_arg(out)))
        self.activation()
        if self.maybe(0.6):
            self.pool(d)
        if self.maybe(0.1):
            self.add(_call("Dropout", rng.choice((0.1, 0.25, 0.5)) if self.maybe(0.9) else 1.5))

    def pool(self, d: int) -> None:
        rng = self.rng
        kind = rng.choice(("MaxPool", "MaxPool", "AvgPool", "LPPool", "AdaptiveAvgPool"))
        if kind == "AdaptiveAvgPool":
            out: Any = rng.choice((1, 2, 3))
            if d > 1 and self.maybe(0.3):
                out = (None, *(rng.choice((1, 2)) for _ in range(d - 1)))
            self.add(_call(f"{kind}{d}d", out))
            return
        kernel = rng.choice((2, 2, 3))
        kwargs: dict[str, Any] = {}
        if self.maybe(0.3):
            kwargs["stride"] = rng.choice((1, 2))
        if kind != "LPPool" and self.maybe(0.3):
            kwargs["padding"] = rng.randint(0, kernel // 2 + (rng.random() < 0.2))
        if self.maybe(0.3):
            kwargs["ceil_mode"] = True
        if kind == "LPPool":
            self.add(_call(f"{kind}{d}d", rng.choice((1, 2, 3.0)), kernel, **kwargs))
        else:
            self.add(_call(f"{kind}{d}d", kernel, **kwargs))

    def head(self) -> None:
        rng = self.rng
        if len(self.shape) > 2 or self.maybe(0.1):
            if self.maybe(0.9):
                self.add("Flatten()" if self.maybe(0.8) else "Flatten(1, -1)")
            elif self.maybe(0.5):
                self.add(f"Flatten(start_dim={rng.choice((0, 2, 5, -1))})")
        features = self.shape[-1]
        for _ in range(rng.randint(1, 3)):
            out = rng.choice((3, 5, 10, 16, 32))
            kwargs = {"bias": False} if self.maybe(0.1) else {}
            self.add(_call("Linear", self.size_arg(features), out, **kwargs))
            features = out
            if self.maybe(0.5):
                if self.maybe(0.3):
                    norm = rng.choice(("BatchNorm1d", "LayerNorm", "RMSNorm"))
                    self.add(_call(norm, self.size_arg(features)))
                self.activation()
            if self.maybe(0.2):
                self.add(_call("Dropout", rng.choice((0.0, 0.2, 0.5))))
        if self.maybe(0.2):
            name = rng.choice(("Softmax", "LogSoftmax"))
            self.add(_call(name, dim=rng.choice((1, 1, -1, 2))))


def _cnn(rng: random.Random, d: int) -> tuple[_Writer, list[int]]:
    sizes = {1: (6, 32), 2: (4, 14), 3: (3, 6)}[d]
    batch = rng.choice((1, 2, 2, 3))
    shape = [batch, rng.choice((1, 2, 3)), *(rng.randint(*sizes) for _ in range(d))]
    if rng.random() < 0.05:
        shape = shape[1:]  # unbatched
    writer = _Writer(rng, shape, integer=False)
    for _ in range(rng.randint(1, 3)):
        writer.conv_block(d)
    if rng.random() < 0.2:
        writer.add(_call(f"AdaptiveMaxPool{d}d", rng.choice((1, 2))))
    if rng.random() < 0.85:
        writer.head()
    return writer, shape


def _mlp(rng: random.Random) -> tuple[_Writer, list[int]]:
    shape = [rng.choice((1, 2, 4, 8)), rng.randint(1, 64)]
    if rng.random() < 0.15:
        shape.insert(1, rng.randint(1, 5))  # (N, L, F): Linear applies to the last dim
    writer = _Writer(rng, shape, integer=False)
    writer.head()
    return writer, shape


def _embedding(rng: random.Random) -> tuple[_Writer, list[int]]:
    shape = [rng.choice((1, 2, 4)), rng.randint(1, 12)]
    writer = _Writer(rng, shape, integer=True)
    dim = rng.choice((4, 8, 16))
    kwargs = {"padding_idx": rng.choice((0, -1, 30, 99))} if rng.random() < 0.15 else {}
    writer.add(_call("Embedding", rng.randint(20, 50), dim, **kwargs))
    if rng.random() < 0.4:
        writer.add(_call("LayerNorm", writer.size_arg(dim)))
    if rng.random() < 0.2:
        writer.add(_call("Conv1d", writer.size_arg(shape[1]), 4, 3))  # channels = positions
    if rng.random() < 0.05:
        writer.add(_call("Embedding", 10, 4))  # float input: torch refuses
    writer.head()
    return writer, shape


def _decoder(rng: random.Random) -> tuple[_Writer, list[int]]:
    d = rng.choice((1, 2, 2, 3))
    sizes = {1: (2, 12), 2: (2, 8), 3: (1, 4)}[d]
    shape = [rng.choice((1, 2)), rng.choice((2, 3, 4)), *(rng.randint(*sizes) for _ in range(d))]
    writer = _Writer(rng, shape, integer=False)
    for _ in range(rng.randint(1, 3)):
        channels = writer.shape[1] if len(writer.shape) > 1 else 1
        if rng.random() < 0.6:
            kernel = rng.choice((2, 3, 4))
            kwargs: dict[str, Any] = {"stride": rng.choice((1, 2, 2))}
            if rng.random() < 0.5:
                kwargs["padding"] = rng.randint(0, 2)
            if rng.random() < 0.4:
                kwargs["output_padding"] = rng.randint(0, 2)
            if rng.random() < 0.1:
                kwargs["dilation"] = 2
            out = rng.choice((2, 4))
            name = f"ConvTranspose{d}d"
            writer.add(_call(name, writer.size_arg(channels), out, kernel, **kwargs))
        else:
            modes = {1: "linear", 2: "bilinear", 3: "trilinear"}
            mode = rng.choice(("nearest", "nearest", modes[d], "area", "nearest-exact"))
            if rng.random() < 0.05:
                mode = rng.choice(("linear", "bilinear", "bicubic", "trilinear"))
            kwargs = {"mode": mode}
            if rng.random() < 0.7:
                kwargs["scale_factor"] = rng.choice((2, 1.5, 0.5, 2.7, (2,) * d))
            else:
                kwargs["size"] = rng.randint(1, 12)
            if rng.random() < (0.03 if mode in ("nearest", "area", "nearest-exact") else 0.4):
                kwargs["align_corners"] = rng.random() < 0.5
            if rng.random() < 0.2:
                kwargs["recompute_scale_factor"] = True
            writer.add(_call("Upsample", **kwargs))
        writer.activation()
    if rng.random() < 0.3:
        writer.add(_call(f"Conv{d}d", writer.size_arg(writer.shape[1]), 1, 1))
    return writer, shape


def random_stack(rng: random.Random) -> tuple[str, list[int], dict[str, Any]]:
    """A random stack as the reader types it, its input shape, and torch's outcome.

    The outcome is `run_stack`'s, computed while the stack was written.
    """
    roll = rng.random()
    if roll < 0.35:
        writer, shape = _cnn(rng, 2)
    elif roll < 0.52:
        writer, shape = _cnn(rng, 1)
    elif roll < 0.58:
        writer, shape = _cnn(rng, 3)
    elif roll < 0.74:
        writer, shape = _mlp(rng)
    elif roll < 0.88:
        writer, shape = _embedding(rng)
    else:
        writer, shape = _decoder(rng)
    parts = writer.parts
    if rng.random() < 0.2:
        parts = ["nn." + part for part in parts]
    text = ", ".join(parts)
    if rng.random() < 0.1:
        text = "nn.Sequential(\n    " + ",\n    ".join(parts) + ",\n)"
    outcome = writer.run.outcome()
    if rng.random() < 0.02:
        text = text[: text.rindex(")")]  # a missing parenthesis
        outcome = {"error": "SyntaxError", "index": None, "empty": False}
    return text, shape, outcome
