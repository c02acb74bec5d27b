"""Submodule management beyond what `nn.Module` already offers.

`nn.Module` already has ``children``, ``named_children``, ``modules``,
``named_modules``, ``get_submodule`` and ``requires_grad_``; the pages teach
those. This module adds a name -> child map, a tree view with parameter counts,
and freezing a direct child by name with a helpful error.
"""

from __future__ import annotations

from torch import nn

from layerref._errors import unknown_name_error
from layerref.params import count_parameters


def children_map(model: nn.Module) -> dict[str, nn.Module]:
    """Map each direct child's name to the child, in registration order.

    Examples:
        >>> from torch import nn
        >>> model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        >>> children_map(model)
        {'0': Linear(in_features=2, out_features=2, bias=True), '1': ReLU()}
    """
    return dict(model.named_children())


def module_tree(model: nn.Module) -> str:
    """Draw a model's submodules as a tree, each with its parameter count.

    Each node shows its name, class and the parameters it holds, including
    those of its own submodules (trainable count in brackets when some are frozen).

    Examples:
        >>> from torch import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
        >>> print(module_tree(model))
        Sequential  13 params
        ├── 0: Linear  9 params
        └── 1: Sequential  4 params
            ├── 0: ReLU  0 params
            └── 1: Linear  4 params
    """
    lines = [f"{type(model).__name__}  {_describe_count(model)}"]
    _draw_children(model, prefix="", lines=lines)
    return "\n".join(lines)


def _describe_count(module: nn.Module) -> str:
    total = count_parameters(module)
    trainable = count_parameters(module, "trainable")
    frozen_note = f" ({trainable:,} trainable)" if trainable != total else ""
    return f"{total:,} params{frozen_note}"


def _draw_children(module: nn.Module, prefix: str, lines: list[str]) -> None:
    children = list(module.named_children())
    for index, (name, child) in enumerate(children):
        last = index == len(children) - 1
        lines.append(
            f"{prefix}{'└── ' if last else '├── '}{name}: {type(child).__name__}  "
            f"{_describe_count(child)}"
        )
        _draw_children(child, prefix + ("    " if last else "│   "), lines)


def freeze_child(model: nn.Module, name: str) -> nn.Module:
    """Freeze every parameter of the direct child ``name`` and return that child.

    Args:
        model: The parent module.
        name: The child's name, as in ``named_children()``.

    Returns:
        The frozen child.

    Raises:
        KeyError: ``name`` is not a direct child; the message lists close matches.

    Examples:
        >>> from torch import nn
        >>> model = nn.Sequential()
        >>> model.add_module("embedding", nn.Embedding(10, 3))
        >>> freeze_child(model, "embeding")
        Traceback (most recent call last):
        ...
        KeyError: "unknown child module 'embeding' (did you mean 'embedding'?); known: 'embedding'"
        >>> freeze_child(model, "embedding").weight.requires_grad
        False
    """
    children = children_map(model)
    if name not in children:
        raise unknown_name_error("child module", name, children)
    return children[name].requires_grad_(False)
