"""Which torch names a piece of Python code uses, found by parsing it.

Imports are followed, so ``from torch import nn`` then ``nn.Conv2d``, ``import
torch.nn.functional as F`` then ``F.relu``, and ``from torch.nn.utils import
prune`` then ``prune.l1_unstructured`` all resolve to fully qualified names.
Names inside strings and comments are not code and do not count.

Examples:
    >>> code = "import torch.nn.functional as F\\nfrom torch import nn\\nF.relu(nn.Linear(2, 2)(x))"
    >>> sorted(used_names(code))
    ['torch.nn', 'torch.nn.Linear', 'torch.nn.functional', 'torch.nn.functional.relu']
"""

from __future__ import annotations

import ast


def used_names(code: str) -> set[str]:
    """Fully qualified ``torch...`` names (and each of their prefixes) the code refers to.

    Args:
        code: Python source.

    Returns:
        Dotted names starting with ``torch``; ``nn.utils.prune.remove`` yields
        ``torch.nn``, ``torch.nn.utils``, ``torch.nn.utils.prune`` and
        ``torch.nn.utils.prune.remove``.
    """
    nodes = list(ast.walk(ast.parse(code)))  # one walk serves both passes
    aliases = aliases_of(nodes)
    found: set[str] = set()
    for node in nodes:
        # Inner parts of a chain are visited too; they only add prefixes already found.
        if isinstance(node, ast.Attribute | ast.Name):
            chain = chain_of(node)
            if chain and chain[0] in aliases:
                parts = aliases[chain[0]].split(".") + chain[1:]
                found.update(".".join(parts[:i]) for i in range(2, len(parts) + 1))
    return {name for name in found if name.startswith("torch.")}


def aliases_of(nodes: list[ast.AST]) -> dict[str, str]:
    """Local name -> the torch module or object it was imported as."""
    aliases: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "torch" or alias.name.startswith("torch."):
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:  # `import torch.nn.functional` binds `torch`
                        aliases["torch"] = "torch"
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and (node.module == "torch" or node.module.startswith("torch."))
        ):
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def chain_of(node: ast.expr) -> list[str]:
    """``a.b.c`` -> ``["a", "b", "c"]``; anything not a plain name chain -> ``[]``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return []
    parts.append(node.id)
    return parts[::-1]
