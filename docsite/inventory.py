"""The public API of `torch.nn`, computed from the installed torch.

Nothing here is typed by hand: upgrading torch updates the inventory. Each
*area* is one namespace of `torch.nn` and the public names it defines.

Examples:
    >>> inv = api_inventory()
    >>> "torch.nn.Conv2d" in inv["torch.nn modules"]
    True
    >>> "torch.nn.functional.relu" in inv["torch.nn.functional"]
    True
    >>> "torch.nn.functional.math" in inv["torch.nn.functional"]  # an import, not API
    False
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
from functools import cache

import torch
from torch import nn

#: Areas in the order the Coverage page shows them; the first two are gated by the tests.
AREAS = (
    "torch.nn modules",
    "torch.nn.functional",
    "torch.nn.init",
    "torch.nn.utils",
    "torch.nn.utils.rnn",
    "torch.nn.utils.parametrizations",
    "torch.nn.utils.prune",
    "torch.nn.attention",
)
GATED_AREAS = AREAS[:2]

# Where `torch.nn.functional` functions are implemented: the module itself, or the C++
# bindings it re-exports. Anything else it holds (typing helpers, `torch.overrides`
# dispatch helpers, `torch._C` dispatch checks, modules, note strings) is an import.
_FUNCTIONAL_HOMES = {"torch.nn.functional", "torch", "torch._C._nn"}


def _is_function(obj: object) -> bool:
    return callable(obj) and not inspect.isclass(obj) and not isinstance(obj, types.ModuleType)


def _module_classes() -> list[str]:
    return [
        f"torch.nn.{name}"
        for name in dir(nn)
        if not name.startswith("_")
        and inspect.isclass(cls := getattr(nn, name))
        and issubclass(cls, nn.Module)
    ]


def _functional() -> list[str]:
    functional = nn.functional
    return [
        f"torch.nn.functional.{name}"
        for name in dir(functional)
        if not name.startswith("_")
        and _is_function(obj := getattr(functional, name))
        and getattr(obj, "__module__", None) in _FUNCTIONAL_HOMES
    ]


def _public(module_name: str, *, classes: bool = True) -> list[str]:
    """Public callables of a module: its ``__all__`` when it has one, else what it defines."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            n
            for n in dir(module)
            if not n.startswith("_")
            and getattr(getattr(module, n), "__module__", None) == module_name
        ]
    return [
        f"{module_name}.{name}"
        for name in names
        if callable(obj := getattr(module, name))
        and not isinstance(obj, types.ModuleType)
        and (classes or not inspect.isclass(obj))
    ]


@cache
def api_inventory() -> dict[str, tuple[str, ...]]:
    """Every public `torch.nn` name by area, as fully qualified names, sorted.

    Returns:
        ``{area: names}`` for each area in `AREAS`.
    """
    inventory = {
        "torch.nn modules": _module_classes(),
        "torch.nn.functional": _functional(),
        "torch.nn.init": _public("torch.nn.init"),
        "torch.nn.utils": _public("torch.nn.utils"),
        "torch.nn.utils.rnn": _public("torch.nn.utils.rnn"),
        "torch.nn.utils.parametrizations": _public("torch.nn.utils.parametrizations"),
        "torch.nn.utils.prune": _public("torch.nn.utils.prune"),
        "torch.nn.attention": _public("torch.nn.attention") + _public("torch.nn.attention.bias"),
    }
    # Case-insensitive order; ties (`prune.Identity`, `prune.identity`) broken by case, not by
    # set order, which changes with the hash seed.
    return {
        area: tuple(sorted(set(inventory[area]), key=lambda n: (n.lower(), n))) for area in AREAS
    }


def resolve(name: str) -> object:
    """The object a fully qualified torch name refers to.

    Raises:
        ValueError: The name does not resolve in the installed torch.

    Examples:
        >>> resolve("torch.nn.functional.relu") is torch.nn.functional.relu
        True
    """
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attr in parts[split:]:
                obj = getattr(obj, attr)
        except AttributeError:
            break
        return obj
    raise ValueError(f"{name!r} does not resolve in torch {torch.__version__}")


_DEPRECATED_DOC = re.compile(
    r"\b(function|method|class|module) (is|has been) (now )?deprecated", re.I
)


def is_deprecated(name: str) -> bool:
    """Whether torch marks the name deprecated (``__deprecated__``, or its docstring says
    "this function is deprecated").

    Examples:
        >>> [is_deprecated(f"torch.nn.functional.{name}") for name in ("upsample", "mse_loss")]
        [True, False]
    """
    obj = resolve(name)
    if getattr(obj, "__deprecated__", None):
        return True
    # "This function is deprecated" -- not "size_average: Deprecated" about one argument.
    return bool(_DEPRECATED_DOC.search(inspect.getdoc(obj) or ""))
