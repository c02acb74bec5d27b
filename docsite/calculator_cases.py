"""Configurations checked against torch, for the Calculators page's JavaScript.

Each *family* of the Calculators page (convolution shapes, pooling, RNN parameter counts,
the stack calculator, ...) gets a few thousand configurations drawn with a fixed seed,
valid and invalid alike, and each is run through torch itself: a valid one records what
torch returns (a shape, a parameter count, the windows of adaptive pooling), an invalid
one the class of the exception torch raises. The browser tests then evaluate every case
through ``window.layerrefFormulas`` in Chromium and require the same answer, or an
``Error`` where torch raised; ``tests/test_formulas.py`` holds `layerref.formulas` to the
same cases.

A case is ``{"fn": name, "args": {...}, "expect": value}`` or ``{"fn": name, "args":
{...}, "error": "RuntimeError"}`` (plus ``"index"``, the failing layer, for a stack):
``fn`` names a function of `layerref.formulas` and of ``layerrefFormulas``, ``args`` its
arguments by their Python names, ``expect`` its result as JSON (tuples as lists).

The cases are computed once per process (`cases` is cached): the Calculators page's block
prints their counts and the ``on_post_build`` hook writes them into the built site
(``assets/calculator-cases.json``), from the same computation.

Cost. Torch runs on the CPU with the smallest tensors that decide a case (one channel,
zeros), which is faster than the ``meta`` device here: a convolution on ``meta`` takes
15-30 µs against 3-5 µs, an LSTM forward pass milliseconds against a fraction of one,
and building a module on ``meta`` is slower too (its ``reset_parameters`` goes through
Python decompositions). ``meta`` is used where it pays: the parameter counts of modules
too large to allocate cheaply (``Conv2d(512, 512, 3)``, a 1024-wide LSTM), where it
gives the same counts as the CPU (``tests/test_formulas.py`` checks that on a sample).
The global RNG, grad mode and warning filters are left as they were found.
"""

from __future__ import annotations

import contextlib
import json
import random
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

Case = dict[str, Any]
SEED = 17
#: Where the build writes the cases, relative to the built site.
CASES_FILE = "assets/calculator-cases.json"


@dataclass(frozen=True)
class Family:
    """A group of cases: what the page calls it, its calculator's anchor, how many."""

    key: str
    title: str
    anchor: str
    count: int
    make: Callable[[random.Random], Case]


def _outcome(fn: str, args: dict[str, Any], run: Callable[[], Any]) -> Case:
    """Run ``run`` (torch) and record its result, or the class of what it raised."""
    try:
        value = run()
    except Exception as error:  # torch's rejection, whatever its class
        return {"fn": fn, "args": args, "error": type(error).__name__}
    return {"fn": fn, "args": args, "expect": _json(value)}


def _json(value: Any) -> Any:
    if isinstance(value, torch.Size | tuple | list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def _zeros(*shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.zeros(shape, dtype=dtype)


def _per_dim(rng: random.Random, dims: int, low: int, high: int) -> Any:
    """An int (the same in every dimension) or a list of one int per dimension."""
    if rng.random() < 0.5:
        return rng.randint(low, high)
    return [rng.randint(low, high) for _ in range(dims)]


def _expand(value: Any, dims: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, list) else (value,) * dims


def _rare(rng: random.Random, usual: Any, odd: Any, p: float = 0.04) -> Any:
    """``usual``, or now and then an invalid value ``odd``."""
    return odd if rng.random() < p else usual


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_ADAPTIVE_MAX = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}


# --- output shapes ---------------------------------------------------------------


def _conv_shape(rng: random.Random) -> Case:
    d = rng.choice((1, 2, 3))
    size = [rng.randint(1, 16 if d < 3 else 7) for _ in range(d)]
    kernel = _per_dim(rng, d, 1, 5)
    stride = _rare(rng, _per_dim(rng, d, 1, 3), 0)
    dilation = _rare(rng, _per_dim(rng, d, 1, 3), 0)
    roll = rng.random()
    padding = "same" if roll < 0.12 else "valid" if roll < 0.18 else _per_dim(rng, d, 0, 3)
    padding = _rare(rng, padding, -1)
    args = {
        "input_size": size,
        "kernel_size": kernel,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
    }
    weight = _zeros(1, 1, *_expand(kernel, d))
    return _outcome(
        "conv_output_shape",
        args,
        lambda: _CONV[d](_zeros(1, 1, *size), weight, None, stride, padding, dilation).shape[2:],
    )


def _conv_transpose_shape(rng: random.Random) -> Case:
    while True:
        case = _conv_transpose_draw(rng)
        # An output of size 0: torch returns an empty tensor or raises, depending on the
        # kernel it picks (kernel size, padding); the formula calls it too small. Not drawn.
        if 0 not in case.get("expect", ()):
            return case


def _conv_transpose_draw(rng: random.Random) -> Case:
    d = rng.choice((1, 2, 3))
    size = [rng.randint(1, 8 if d < 3 else 4) for _ in range(d)]
    kernel = _per_dim(rng, d, 1, 5 if d < 3 else 4)
    stride = _per_dim(rng, d, 1, 3)
    dilation = _per_dim(rng, d, 1, 3)
    # output_padding up to max(stride, dilation) inclusive: the largest is invalid
    output_padding = [
        rng.randint(0, max(s, t) - (rng.random() < 0.8)) if rng.random() < 0.5 else 0
        for s, t in zip(_expand(stride, d), _expand(dilation, d), strict=True)
    ]
    padding = _rare(rng, _per_dim(rng, d, 0, 3), -1)
    args = {
        "input_size": size,
        "kernel_size": kernel,
        "stride": stride,
        "padding": padding,
        "output_padding": output_padding,
        "dilation": dilation,
    }
    weight = _zeros(1, 1, *_expand(kernel, d))
    return _outcome(
        "conv_transpose_output_shape",
        args,
        lambda: _CONV_T[d](
            _zeros(1, 1, *size), weight, None, stride, padding, output_padding, 1, dilation
        ).shape[2:],
    )


def _pool_shape(rng: random.Random) -> Case:
    d = rng.choice((1, 2, 3))
    max_pool = rng.random() < 0.6
    while True:
        size = [rng.randint(1, 12 if d < 3 else 8) for _ in range(d)]
        kernel = _per_dim(rng, d, 1, 5)
        # AvgPool3d alone rejects an input smaller than the kernel, padding or not: not
        # what pool_output_shape describes (the stack calculator models it).
        if max_pool or d < 3 or all(i >= k for i, k in zip(size, _expand(kernel, d), strict=True)):
            break
    stride = None if rng.random() < 0.3 else _rare(rng, _per_dim(rng, d, 1, 3), 0)
    # padding up to half the kernel is valid; one more is not
    padding = [rng.randint(0, k // 2 + (rng.random() < 0.1)) for k in _expand(kernel, d)]
    dilation = _per_dim(rng, d, 1, 3) if max_pool else 1
    ceil_mode = rng.random() < 0.5
    args: dict[str, Any] = {"input_size": size, "kernel_size": kernel}
    if stride is not None:
        args["stride"] = stride
    args |= {"padding": padding, "ceil_mode": ceil_mode}
    x = _zeros(1, 1, *size)
    if max_pool:
        args["dilation"] = dilation

        def run() -> Any:
            return _MAX_POOL[d](x, kernel, stride, padding, dilation, ceil_mode).shape[2:]
    else:

        def run() -> Any:
            return _AVG_POOL[d](x, kernel, stride, padding, ceil_mode).shape[2:]

    return _outcome("pool_output_shape", args, run)


def _adaptive_bins(rng: random.Random) -> Case:
    d = rng.choice((1, 2, 3))
    size = [rng.randint(1, 16 if d < 3 else 7) for _ in range(d)]
    high = 16 if d < 3 else 7
    if rng.random() < 0.4:
        output: Any = _rare(rng, rng.randint(0, high), -1)
    else:
        output = [None if rng.random() < 0.2 else rng.randint(0, high) for _ in range(d)]
        if rng.random() < 0.04:
            output = output[:-1] or [1, 1]  # the wrong number of entries
    args = {"input_size": size, "output_size": output}

    def run() -> Any:
        x = torch.arange(float(torch.Size(size).numel())).reshape(1, 1, *size)
        out = tuple(output) if isinstance(output, list) else output
        # The largest value of an increasing ramp sits at a window's last position,
        # the largest of its negation at the first: max pooling's indices give both.
        ends = _ADAPTIVE_MAX[d](x, out, return_indices=True)[1][0, 0]
        sizes = tuple(ends.shape)
        probe = tuple(s or 1 for s in sizes)  # no window to read where a size is 0
        if probe != sizes:
            ends = _ADAPTIVE_MAX[d](x, probe, return_indices=True)[1][0, 0]
        starts = _ADAPTIVE_MAX[d](-x, probe, return_indices=True)[1][0, 0]
        bins = []
        for dim in range(d):
            line = tuple(slice(None) if j == dim else 0 for j in range(d))
            last = torch.unravel_index(ends[line], size)[dim].tolist()
            first = torch.unravel_index(starts[line], size)[dim].tolist()
            pairs = [[a, b + 1] for a, b in zip(first, last, strict=True)]
            bins.append(pairs if sizes[dim] else [])
        return bins

    return _outcome("adaptive_pool_bins", args, run)


def _unfold(rng: random.Random) -> Case:
    d = 3 if rng.random() < 0.02 else 2  # Unfold takes 2-d inputs only
    size = [rng.randint(1, 12) for _ in range(d)]
    kernel = _per_dim(rng, 2, 1, 5)
    args = {
        "input_size": size,
        "kernel_size": kernel,
        "dilation": _rare(rng, _per_dim(rng, 2, 1, 3), 0),
        "padding": _rare(rng, _per_dim(rng, 2, 0, 3), -1),
        "stride": _rare(rng, _per_dim(rng, 2, 1, 3), 0),
    }
    return _outcome(
        "unfold_block_count",
        args,
        lambda: F.unfold(
            _zeros(1, 1, *size), kernel, args["dilation"], args["padding"], args["stride"]
        ).shape[-1],
    )


_MODES_BY_DIMS = {
    1: ("nearest", "nearest-exact", "area", "linear"),
    2: ("nearest", "nearest-exact", "area", "bilinear", "bicubic"),
    3: ("nearest", "nearest-exact", "area", "trilinear"),
}
_ALL_MODES = ("nearest", "nearest-exact", "area", "linear", "bilinear", "bicubic", "trilinear")


def _scale(rng: random.Random) -> float | int:
    if rng.random() < 0.25:
        return rng.randint(1, 4)
    return round(rng.uniform(0.05, 4.0), rng.choice((1, 2, 3)))


def _interpolate(rng: random.Random) -> Case:
    d = rng.choice((1, 2, 3))
    size = [rng.randint(1, 12 if d < 3 else 6) for _ in range(d)]
    mode = rng.choice(_ALL_MODES if rng.random() < 0.1 else _MODES_BY_DIMS[d])
    args: dict[str, Any] = {"input_size": size}
    roll = rng.random()
    if roll < 0.4:
        args["size"] = (
            rng.randint(0, 16) if rng.random() < 0.5 else [rng.randint(0, 16) for _ in range(d)]
        )
    elif roll < 0.97:
        args["scale_factor"] = (
            _scale(rng) if rng.random() < 0.5 else [_scale(rng) for _ in range(d)]
        )
    elif roll < 0.985:
        args["size"], args["scale_factor"] = rng.randint(1, 8), _scale(rng)  # both: invalid
    # else neither: invalid
    args["mode"] = mode
    if rng.random() < 0.4:
        args["recompute_scale_factor"] = rng.random() < 0.7

    def run() -> Any:
        size_arg = args.get("size")
        scale_arg = args.get("scale_factor")
        return F.interpolate(
            _zeros(1, 1, *size),
            size=tuple(size_arg) if isinstance(size_arg, list) else size_arg,
            scale_factor=tuple(scale_arg) if isinstance(scale_arg, list) else scale_arg,
            mode=mode,
            recompute_scale_factor=args.get("recompute_scale_factor"),
        ).shape[2:]

    return _outcome("interpolate_output_shape", args, run)


# --- parameter counts --------------------------------------------------------------


def _numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _large(rng: random.Random) -> bool:
    """Now and then a layer of realistic size, built on the meta device (no memory).

    Rarely: building on ``meta`` costs milliseconds (its initialisation runs as Python
    decompositions), and the small layers already exercise every term of a formula.
    """
    return rng.random() < 0.015


def _conv_params(rng: random.Random) -> Case:
    d = rng.choice((1, 2, 3))
    transposed = rng.random() < 0.5
    large = _large(rng)
    groups = rng.choice((1, 1, 1, 2, 3, 4))
    width = (1, 128) if large else (1, 6)
    c_in = groups * rng.randint(*width) + (rng.random() < 0.05)  # now and then indivisible
    c_out = groups * rng.randint(*width) + (rng.random() < 0.05)
    kernel = _per_dim(rng, d, 1, 7 if large else 4)
    bias = rng.random() < 0.7
    args = {"in_channels": c_in, "out_channels": c_out, "kernel_size": kernel, "dims": d}
    args |= {"groups": groups, "bias": bias}
    kind = "ConvTranspose" if transposed else "Conv"
    cls = getattr(nn, f"{kind}{d}d")
    device = "meta" if large else "cpu"
    return _outcome(
        "conv_transpose_params" if transposed else "conv_params",
        args,
        lambda: _numel(cls(c_in, c_out, kernel, groups=groups, bias=bias, device=device)),
    )


def _rnn_params(rng: random.Random) -> Case:
    mode = rng.choice(("RNN", "LSTM", "GRU"))
    large = _large(rng)
    high = 1024 if large else 12
    hidden = rng.randint(1, high)
    proj = 0
    if mode == "LSTM" and rng.random() < 0.5:
        proj = rng.randint(0, hidden - 1) if rng.random() < 0.9 else hidden + rng.randint(0, 2)
    elif rng.random() < 0.03:
        proj = rng.randint(1, 3)  # only LSTM takes proj_size
    args = {
        "mode": mode,
        "input_size": rng.randint(1, high),
        "hidden_size": hidden,
        "num_layers": rng.randint(1, 4),
        "bias": rng.random() < 0.8,
        "bidirectional": rng.random() < 0.5,
    }
    if proj or mode == "LSTM":  # nn.RNN and nn.GRU refuse proj_size even when it is 0
        args["proj_size"] = proj
    kwargs = {k: v for k, v in args.items() if k != "mode"}
    device = "meta" if large else "cpu"
    return _outcome("rnn_params", args, lambda: _numel(getattr(nn, mode)(**kwargs, device=device)))


def _rnn_shapes(rng: random.Random) -> Case:
    mode = rng.choice(("RNN", "LSTM", "GRU"))
    hidden = rng.randint(1, 6)
    proj = rng.randint(0, hidden - 1) if mode == "LSTM" and rng.random() < 0.5 else 0
    input_size = rng.randint(1, 6)
    batch_first = rng.random() < 0.5
    seq_len, batch = _rare(rng, rng.randint(1, 4), 0, 0.02), rng.randint(1, 3)
    feature = _rare(rng, input_size, input_size + 1, 0.06)
    roll = rng.random()
    if roll < 0.25:
        shape = [seq_len, feature]
    elif roll < 0.97:
        shape = [batch, seq_len, feature] if batch_first else [seq_len, batch, feature]
    else:
        shape = [seq_len, batch, 1, feature][: rng.choice((1, 4))]
    args = {
        "mode": mode,
        "input_shape": shape,
        "input_size": input_size,
        "hidden_size": hidden,
        "num_layers": rng.randint(1, 3),
        "batch_first": batch_first,
        "bidirectional": rng.random() < 0.5,
    }
    if mode == "LSTM":
        args["proj_size"] = proj

    def run() -> Any:
        kwargs = {k: v for k, v in args.items() if k not in ("mode", "input_shape")}
        module = getattr(nn, mode)(**kwargs, dtype=torch.float64)
        output, state = module(_zeros(*shape, dtype=torch.float64))
        if mode == "LSTM":
            return {"output": output.shape, "h_n": state[0].shape, "c_n": state[1].shape}
        return {"output": output.shape, "h_n": state.shape}

    return _outcome("rnn_output_shapes", args, run)


def _mha_params(rng: random.Random) -> Case:
    large = _large(rng)
    heads = rng.randint(1, 16 if large else 4)
    embed = heads * rng.randint(1, 64 if large else 6) + (rng.random() < 0.05)
    args: dict[str, Any] = {"embed_dim": embed, "num_heads": heads}
    for key in ("kdim", "vdim"):
        if rng.random() < 0.4:
            args[key] = rng.randint(1, 512 if large else 8)
    args |= {"bias": rng.random() < 0.7, "add_bias_kv": rng.random() < 0.3}
    # On meta, add_bias_kv's normal_ initialisation imports torch._dynamo (about 1 s, once).
    device = "meta" if large and not args["add_bias_kv"] else "cpu"
    return _outcome(
        "multihead_attention_params",
        args,
        lambda: _numel(nn.MultiheadAttention(**args, device=device)),
    )


def _linear_embedding_params(rng: random.Random) -> Case:
    large = _large(rng)
    device = "meta" if large else "cpu"
    high = 4096 if large else 24
    kind = rng.choice(("linear", "bilinear", "embedding"))
    if kind == "linear":
        args = {"in_features": _rare(rng, rng.randint(0, high), -1, 0.05)}
        args["out_features"] = _rare(rng, rng.randint(0, high), -2, 0.03)
        args["bias"] = rng.random() < 0.7
        return _outcome(
            "linear_params",
            args,
            lambda: _numel(nn.Linear(**args, device=device)),
        )
    if kind == "bilinear":
        low, high = (1, 256) if large else (1, 6)
        args = {
            "in1_features": _rare(rng, rng.randint(low, high), 0, 0.05),
            "in2_features": _rare(rng, rng.randint(low, high), -1, 0.03),
            "out_features": rng.randint(low, high),
            "bias": rng.random() < 0.7,
        }
        return _outcome("bilinear_params", args, lambda: _numel(nn.Bilinear(**args, device=device)))
    # On the CPU: on meta, the embedding's normal_ initialisation imports torch._dynamo.
    args = {"num_embeddings": _rare(rng, rng.randint(1, 3000 if large else 40), -3, 0.05)}
    args["embedding_dim"] = _rare(rng, rng.randint(1, 128 if large else 12), -1, 0.03)
    return _outcome("embedding_params", args, lambda: _numel(nn.Embedding(**args)))


def _norm_params(rng: random.Random) -> Case:
    kind = rng.choice(("batch", "instance", "layer", "group", "rms"))
    affine = rng.random() < 0.7
    bias = rng.random() < 0.8
    if kind in ("batch", "instance"):
        c = rng.randint(1, 256)
        d = rng.choice((1, 2, 3))
        cls = getattr(nn, f"{kind.title()}Norm{d}d")
        args = {"num_features": c, "affine": affine, "bias": bias}
        if kind == "instance" and rng.random() < 0.3:
            del args["affine"]  # InstanceNorm's default is affine=False
        kwargs = {k: v for k, v in args.items() if k != "num_features"}
        return _outcome(f"{kind}_norm_params", args, lambda: _numel(cls(c, **kwargs)))
    if kind in ("layer", "rms"):
        shape: Any = (
            rng.randint(1, 64)
            if rng.random() < 0.5
            else [rng.randint(1, 8) for _ in range(rng.randint(1, 3))]
        )
        if kind == "layer":
            args = {"normalized_shape": shape, "elementwise_affine": affine, "bias": bias}
            return _outcome("layer_norm_params", args, lambda: _numel(nn.LayerNorm(**args)))
        args = {"normalized_shape": shape, "elementwise_affine": affine}
        return _outcome("rms_norm_params", args, lambda: _numel(nn.RMSNorm(**args)))
    groups = rng.randint(1, 8)
    channels = groups * rng.randint(1, 8) + (rng.random() < 0.1)
    args = {"num_groups": groups, "num_channels": channels, "affine": affine, "bias": bias}
    return _outcome("group_norm_params", args, lambda: _numel(nn.GroupNorm(**args)))


# --- the stack calculator ----------------------------------------------------------


def _stack(rng: random.Random) -> Case:
    from docsite.calculator_stacks import random_stack

    while True:
        text, input_shape, outcome = random_stack(rng)
        # An empty output on the way (a transposed convolution's size 0, see above): torch's
        # answer depends on the kernel it picks. Not drawn.
        if not outcome.pop("empty", False):
            break
    case: Case = {"fn": "stack_summary", "args": {"layers": text, "input_shape": input_shape}}
    return case | outcome


FAMILIES: tuple[Family, ...] = (
    Family("conv", "Convolution output shape", "conv", 2500, _conv_shape),
    Family(
        "conv-transpose",
        "Transposed convolution output shape",
        "conv-transpose",
        2000,
        _conv_transpose_shape,
    ),
    Family("conv-params", "Convolution parameters", "conv", 1500, _conv_params),
    Family("pool", "Pooling output shape", "pool", 3000, _pool_shape),
    Family("adaptive", "Adaptive pooling windows", "adaptive", 1500, _adaptive_bins),
    Family("unfold", "Unfold block count", "unfold", 2000, _unfold),
    Family("interpolate", "Interpolate / Upsample size", "interpolate", 2000, _interpolate),
    Family("rnn-params", "RNN / LSTM / GRU parameters", "rnn", 1200, _rnn_params),
    Family("rnn-shapes", "RNN / LSTM / GRU output shapes", "rnn", 1000, _rnn_shapes),
    Family("mha", "MultiheadAttention parameters", "mha", 1200, _mha_params),
    Family(
        "linear-embedding",
        "Linear, Bilinear, Embedding parameters",
        "linear",
        1500,
        _linear_embedding_params,
    ),
    Family("norm", "Normalization parameters", "norm", 1500, _norm_params),
    Family("stack", "Stack of layers", "stack", 1000, _stack),
)


@contextlib.contextmanager
def _quiet_torch() -> Iterator[None]:
    """No grad, warnings ignored, and the global RNG restored afterwards."""
    with (
        torch.random.fork_rng(devices=[]),
        torch.no_grad(),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        torch.manual_seed(SEED)
        yield


@cache
def cases() -> dict[str, list[Case]]:
    """Every family's cases, by family key (computed once per process)."""
    result = {}
    with _quiet_torch():
        for family in FAMILIES:
            rng = random.Random(zlib.crc32(f"{SEED}:{family.key}".encode()))
            result[family.key] = [family.make(rng) for _ in range(family.count)]
    return result


def counts() -> list[tuple[Family, int, int]]:
    """Per family: the family, how many cases torch accepted, how many it rejected."""
    found = cases()
    return [
        (
            family,
            sum("error" not in case for case in found[family.key]),
            sum("error" in case for case in found[family.key]),
        )
        for family in FAMILIES
    ]


def render_counts() -> str:
    """The Calculators page's table of cases per family, in Markdown."""
    lines = [
        "| Calculator | Configurations | torch accepted | torch rejected |",
        "| --- | ---: | ---: | ---: |",
    ]
    total = 0
    for family, valid, invalid in counts():
        total += valid + invalid
        link = f"[{family.title}](#{family.anchor})"
        lines.append(f"| {link} | {valid + invalid:,} | {valid:,} | {invalid:,} |")
    lines.append(f"| **All** | **{total:,}** | | |")
    return "\n".join(lines)


def total() -> int:
    """How many configurations the calculators are verified on."""
    return sum(len(found) for found in cases().values())


def to_json() -> str:
    """The cases file the browser tests read (deterministic: the same bytes every build)."""
    document = {
        "torch": torch.__version__,
        "seed": SEED,
        "families": [
            {"key": family.key, "title": family.title, "cases": cases()[family.key]}
            for family in FAMILIES
        ],
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True)
