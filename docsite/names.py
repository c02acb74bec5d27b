"""Check the torch API names a page writes as code: they must exist, and deprecated
ones may appear only where the page says they are deprecated.

A name is ``nn.X``, ``F.x``, ``torch.nn.…`` (including ``nn.utils.…`` and
``nn.init.…``) in prose or in code. The chain is checked through the modules
it names and the first object after them (``nn.Conv4d`` is an error); beyond a
class it may be an instance attribute and is not checked.

A page that corrects a misspelling shows the wrong name on purpose: that is
allowed in a paragraph that says so ("does not exist", "misspell"; in Chinese "不存在",
"拼写"). A deprecated name's section says "deprecated" (or "弃用", "废弃").
"""

from __future__ import annotations

import importlib
import itertools
import re
import types
from dataclasses import dataclass
from functools import cache

from docsite.inventory import is_deprecated

# A name followed by `*` is a pattern (`register_module_*`), not a name: skipped.
_NAME = re.compile(r"(?<![\w.])(torch\.nn|nn|F)((?:\.[A-Za-z_]\w*)+)(?![\w*])")
# The paragraph says the name is wrong on purpose (in English or in the Chinese edition).
_INTENDED_WRONG = re.compile(r"does not exist|doesn't exist|misspell|不存在|拼写", re.I)
_SAYS_DEPRECATED = re.compile(r"deprecat|弃用|废弃", re.I)
_PREFIX = {"torch.nn": "torch.nn", "nn": "torch.nn", "F": "torch.nn.functional"}


@dataclass(frozen=True)
class NameProblem:
    """A name on a page that is wrong, with where it is."""

    page: str
    line: int
    name: str
    problem: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.name}: {self.problem}"


def qualified_names(text: str) -> list[tuple[int, str]]:
    """``(line number, fully qualified name)`` for every torch name written in ``text``.

    Examples:
        >>> qualified_names("Use `nn.Conv2d` or F.relu,\\nnot nn.init.uniform.")
        [(1, 'torch.nn.Conv2d'), (1, 'torch.nn.functional.relu'), (2, 'torch.nn.init.uniform')]
    """
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _NAME.finditer(line):
            found.append((number, _PREFIX[match[1]] + match[2]))
    return found


@cache
def checked_prefix(name: str) -> str | None:
    """The part of ``name`` that must exist, resolved; ``None`` if it does not.

    Examples:
        >>> checked_prefix("torch.nn.Linear.in_features")  # past a class: not checked
        'torch.nn.Linear'
        >>> checked_prefix("torch.nn.Conv4d") is None
        True
    """
    parts = name.split(".")
    obj: object = importlib.import_module("torch")
    for index, attr in enumerate(parts[1:], start=1):
        if not isinstance(obj, types.ModuleType):
            return ".".join(parts[:index])
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            try:
                obj = importlib.import_module(".".join(parts[: index + 1]))
            except ImportError:
                return None
    return name


def check_page(text: str, page: str) -> list[NameProblem]:
    """Every unresolvable name, and every deprecated name in a section that does not say so.

    Examples:
        >>> for problem in check_page("## A\\nUse `F.upsample`.\\n## B\\n`nn.Conv4d`", "p.md"):
        ...     print(problem)
        p.md:2: torch.nn.functional.upsample: deprecated, but its section never says so
        p.md:4: torch.nn.Conv4d: does not exist in the installed torch
    """
    problems = []
    sections = _sections(text)
    paragraphs = _paragraphs(text)
    for line, name in qualified_names(text):
        resolved = checked_prefix(name)
        if resolved is None and not _INTENDED_WRONG.search(" ".join(paragraphs[line].split())):
            problems.append(NameProblem(page, line, name, "does not exist in the installed torch"))
        elif (
            resolved is not None
            and _deprecated(resolved)
            and not _SAYS_DEPRECATED.search(sections[line])
        ):
            problems.append(
                NameProblem(page, line, name, "deprecated, but its section never says so")
            )
    return problems


@cache
def _deprecated(name: str) -> bool:
    return is_deprecated(name)


def _sections(text: str) -> dict[int, str]:
    """Line number -> the text of the ``##`` section holding it."""
    lines = text.splitlines()
    return _spans(lines, [i for i, line in enumerate(lines) if line.startswith("## ")])


def _paragraphs(text: str) -> dict[int, str]:
    """Line number -> the text of the paragraph (lines between blank lines) holding it."""
    lines = text.splitlines()
    return _spans(lines, [i for i, line in enumerate(lines) if not line.strip()])


def _spans(lines: list[str], starts: list[int]) -> dict[int, str]:
    """Line number -> the text of the span, cut at each index in ``starts``, holding it."""
    bounds = [0, *starts, len(lines)]
    by_line = {}
    for start, end in itertools.pairwise(bounds):
        body = "\n".join(lines[start:end])
        for i in range(start, end):
            by_line[i + 1] = body
    return by_line
