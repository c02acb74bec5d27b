"""Parameter management: counting, a readable table, freezing by name or pattern."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Literal

from torch import nn

from layerref._errors import unknown_name_error

Which = Literal["all", "trainable", "frozen"]
_WHICH = ("all", "trainable", "frozen")


def count_parameters(model: nn.Module, which: Which = "all") -> int:
    """Count the scalar values in a model's parameters.

    A parameter shared by two submodules is counted once, as
    ``model.parameters()`` yields it once.

    Args:
        model: Any module.
        which: ``"all"``, ``"trainable"`` (``requires_grad=True``) or ``"frozen"``.

    Returns:
        The number of scalars.

    Raises:
        ValueError: ``which`` is not one of the three choices.

    Examples:
        >>> from torch import nn
        >>> model = nn.Linear(3, 2)
        >>> count_parameters(model)
        8
        >>> model.bias.requires_grad_(False)  # doctest: +ELLIPSIS
        Parameter containing:
        ...
        >>> count_parameters(model, "trainable"), count_parameters(model, "frozen")
        (6, 2)
    """
    if which not in _WHICH:
        raise ValueError(f"which must be one of {_WHICH}, got {which!r}")
    return sum(
        p.numel()
        for p in model.parameters()
        if which == "all" or p.requires_grad == (which == "trainable")
    )


@dataclass(frozen=True)
class ParameterRow:
    """One line of a `ParameterTable`."""

    name: str
    shape: tuple[int, ...]
    numel: int
    requires_grad: bool


@dataclass(frozen=True)
class ParameterTable:
    """Every named parameter of a model; ``str()`` gives an aligned text table."""

    rows: tuple[ParameterRow, ...]

    @property
    def total(self) -> int:
        """The number of scalars over all rows."""
        return sum(row.numel for row in self.rows)

    def __str__(self) -> str:
        header = ("name", "shape", "numel", "requires_grad")
        cells = [header] + [
            (r.name, str(tuple(r.shape)), f"{r.numel:,}", str(r.requires_grad)) for r in self.rows
        ]
        widths = [max(len(row[i]) for row in cells) for i in range(4)]
        align = ("<", "<", ">", "<")

        def line(row: tuple[str, ...]) -> str:
            return "  ".join(
                f"{c:{a}{w}}" for c, a, w in zip(row, align, widths, strict=True)
            ).rstrip()

        rule = "  ".join("-" * w for w in widths)
        body = [line(cells[0]), rule, *(line(r) for r in cells[1:]), rule]
        body.append(line(("total", "", f"{self.total:,}", "")))
        return "\n".join(body)


def parameter_table(model: nn.Module) -> ParameterTable:
    """List each named parameter with its shape, size and ``requires_grad``.

    Args:
        model: Any module.

    Returns:
        A `ParameterTable`; print it for an aligned table.

    Examples:
        >>> from torch import nn
        >>> print(parameter_table(nn.Linear(3, 2)))
        name    shape   numel  requires_grad
        ------  ------  -----  -------------
        weight  (2, 3)      6  True
        bias    (2,)        2  True
        ------  ------  -----  -------------
        total               8
    """
    return ParameterTable(
        tuple(
            ParameterRow(name, tuple(p.shape), p.numel(), p.requires_grad)
            for name, p in model.named_parameters()
        )
    )


def _matching_parameters(model: nn.Module, patterns: tuple[str, ...]) -> list[nn.Parameter]:
    """Resolve names or glob patterns to parameters; fail on a pattern that matches nothing.

    A pattern matches a parameter by its full name (``"conv.conv_1.weight"``) or
    any submodule that holds it (``"conv"``, ``"conv.conv_1"``), literally or as
    a glob (``"conv.*"``, ``"*.bias"``).
    """
    if not patterns:
        raise ValueError("give at least one parameter or submodule name (or glob pattern)")
    named = dict(model.named_parameters())
    modules = {name for name, _ in model.named_modules() if name}
    selected: dict[str, nn.Parameter] = {}
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise TypeError(f"names must be str, got {type(pattern).__name__} {pattern!r}")
        hits = [
            name
            for name in named
            if fnmatch.fnmatchcase(name, pattern)
            or any(fnmatch.fnmatchcase(prefix, pattern) for prefix in _prefixes(name))
        ]
        if not hits:
            raise unknown_name_error("parameter or submodule", pattern, [*named, *modules])
        selected.update((name, named[name]) for name in hits)
    return list(selected.values())


def _prefixes(name: str) -> list[str]:
    """``"a.b.weight"`` -> ``["a", "a.b"]``: the submodules that own a parameter."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def freeze(model: nn.Module, *names: str) -> int:
    """Stop gradients for the named parameters or submodules.

    Args:
        model: The model to change in place.
        *names: Parameter names, submodule names or glob patterns (``"*.bias"``).

    Returns:
        How many scalars were frozen by this call's selection.

    Raises:
        KeyError: A name matches nothing; the message lists close matches.

    Examples:
        >>> from torch import nn
        >>> model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
        >>> freeze(model, "0")
        8
        >>> freeze(model, "*.bias")
        3
        >>> freeze(model, "0.wieght")
        Traceback (most recent call last):
        ...
        KeyError: "unknown parameter or submodule '0.wieght' (did you mean '0.weight' or ...
    """
    return _set_requires_grad(model, names, False)


def unfreeze(model: nn.Module, *names: str) -> int:
    """Let gradients flow again to the named parameters or submodules.

    Takes the same names and patterns as `freeze`.

    Examples:
        >>> from torch import nn
        >>> model = nn.Linear(3, 2).requires_grad_(False)
        >>> unfreeze(model, "bias")
        2
        >>> count_parameters(model, "trainable")
        2
    """
    return _set_requires_grad(model, names, True)


def _set_requires_grad(model: nn.Module, names: tuple[str, ...], flag: bool) -> int:
    params = _matching_parameters(model, names)
    for p in params:
        p.requires_grad_(flag)
    return sum(p.numel() for p in params)
