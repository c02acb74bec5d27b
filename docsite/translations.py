"""The Chinese edition: each page's translation next to it, with the same examples.

``docs/<page>.zh.md`` translates ``docs/<page>.md``. The two must show the *same*
executed examples, so a Chinese reader gets exactly the proof an English reader gets:
the same block ids, in the same order, with the same code (comments may be translated;
printed strings stay, so the output is the same), and the same headings, with the same
anchors, so that ``#conv`` links work in both languages.

Usage::

    .venv/bin/python -m docsite.translations                   # what differs, page by page
    .venv/bin/python -m docsite.translations anchors PAGE.zh.md  # give its headings the
                                                               # English page's anchors
"""

from __future__ import annotations

import functools
import io
import re
import sys
import tokenize
from pathlib import Path

import markdown

from docsite.blocks import LANGUAGES, english_page, english_pages, iter_blocks

DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*$")
_EXPLICIT_ID = re.compile(r"\{\s*#([\w-]+)[^}]*\}\s*$")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def translation_path(page: Path, language: str = "zh") -> Path:
    """``docs/pooling.md`` -> ``docs/pooling.zh.md``."""
    return page.with_suffix(f".{language}.md")


@functools.lru_cache(maxsize=4096)  # each build asks for every block's twice or more
def code_without_comments(code: str) -> str:
    """A block's code with its comments and trailing spaces removed: what must not differ.

    Examples:
        >>> code_without_comments("x = 1  # one\\n# 注释\\nprint('# kept')\\n")
        "x = 1\\nprint('# kept')\\n"
    """
    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(code).readline)
            if t.type != tokenize.COMMENT
        ]
        code = tokenize.untokenize(tokens)
    except (tokenize.TokenError, SyntaxError):
        pass
    lines = [line.rstrip() for line in code.splitlines()]
    return "".join(line + "\n" for line in lines if line)


def _outside_fences(text: str) -> list[tuple[int, str]]:
    """(line index, line) of every line not inside a fenced block or the front matter."""
    kept, fence = [], ""
    lines = text.splitlines()
    start = 0
    if lines[:1] == ["---"] and "---" in lines[1:]:
        start = lines.index("---", 1) + 1  # YAML front matter: configuration, not prose
    for index, line in enumerate(lines):
        if index < start:
            continue
        match = _FENCE.match(line)
        if fence:
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence):
                fence = ""
            continue
        if match:
            fence = match[1]
            continue
        kept.append((index, line))
    return kept


def headings(text: str) -> list[tuple[int, str]]:
    """``(level, id)`` of every heading of a page, as the built site gives them.

    Examples:
        >>> headings("# T\\n## Conv { #conv }\\n### What it does\\n```\\n# not one\\n```\\n"
        ...          "### What it does\\n")
        [(1, 't'), (2, 'conv'), (3, 'what-it-does'), (3, 'what-it-does_1')]
    """
    lines = [line for _, line in _outside_fences(text) if _HEADING.match(line)]
    html = markdown.markdown("\n\n".join(lines), extensions=["toc", "attr_list"])
    return [(int(level), anchor) for level, anchor in re.findall(r'<h(\d) id="([^"]+)"', html)]


def add_anchors(english: str, translated: str) -> str:
    """The translation with each heading given the English heading's anchor, in order.

    Raises:
        ValueError: The two pages do not have the same heading levels in the same order.
    """
    ids = headings(english)
    positions = [index for index, line in _outside_fences(translated) if _HEADING.match(line)]
    levels = [len(_HEADING.match(translated.splitlines()[i])["hashes"]) for i in positions]
    if levels != [level for level, _ in ids]:
        raise ValueError(
            f"heading levels differ: English {[lv for lv, _ in ids]}, translation {levels}"
        )
    lines = translated.splitlines()
    for index, (_, anchor) in zip(positions, ids, strict=True):
        line = _EXPLICIT_ID.sub("", lines[index]).rstrip()
        # The page title keeps no anchor of its own: Markdown gives h1 none that links use.
        lines[index] = line if line.startswith("# ") else f"{line} {{ #{anchor} }}"
    return "\n".join(lines) + "\n"


def differences(english: str, translated: str) -> list[str]:
    """How a translation's examples or headings differ from its English page.

    Examples:
        >>> en = '## A { #a }\\n```python exec="on" id="x"\\nprint(1)  # one\\n```\\n'
        >>> differences(en, en.replace("# one", "# 一"))
        []
        >>> differences(en, en.replace("print(1)", "print(2)"))
        ["block 'x': its code differs from the English page's"]
    """
    found = []
    ids = [(b.id, code_without_comments(b.code)) for b in iter_blocks(english, "") if b.executed]
    other = [
        (b.id, code_without_comments(b.code)) for b in iter_blocks(translated, "") if b.executed
    ]
    if [i for i, _ in ids] != [i for i, _ in other]:
        found.append(
            f"its executed blocks are {[i for i, _ in other]}, "
            f"not the English page's {[i for i, _ in ids]}"
        )
    for (block_id, code), (_, translated_code) in zip(ids, other, strict=False):
        if code != translated_code:
            found.append(f"block {block_id!r}: its code differs from the English page's")
    untranslated = untranslated_paragraphs(english, translated)
    if untranslated:
        found.append(
            f"{len(untranslated)} paragraphs are still the English text, e.g. "
            f"{untranslated[0][:80]!r}"
        )
    english_headings, translated_headings = headings(english), headings(translated)
    if english_headings[1:] != translated_headings[1:]:
        found.append(
            "its headings (levels and anchors) differ from the English page's: run "
            "`python -m docsite.translations anchors` on it"
        )
    return found


def untranslated_paragraphs(english: str, translated: str) -> list[str]:
    r"""The English page's prose paragraphs (of 60 characters or more, outside code blocks
    and tables) that the translation still holds word for word.

    Examples:
        >>> en = "An English paragraph that is long enough to count as prose here.\n"
        >>> untranslated_paragraphs(en, en), untranslated_paragraphs(en, "一段中文。\n")
        (['An English paragraph that is long enough to count as prose here.'], [])
    """

    def paragraphs(text: str) -> set[str]:
        lines = [line for _, line in _outside_fences(text)]
        blocks = " ".join(line if line.strip() else "\n" for line in lines).split("\n")
        return {
            " ".join(b.split())
            for b in blocks
            if len(b.strip()) >= 60 and not b.lstrip().startswith(("|", "#", "[[", "<", ":::"))
        }

    kept = paragraphs(translated)
    return sorted(p for p in paragraphs(english) if p in kept)


def missing(docs_dir: Path = DOCS_DIR) -> list[str]:
    """The translations that do not exist, as paths under ``docs_dir``."""
    return [
        translation_path(page, language).relative_to(docs_dir).as_posix()
        for page in english_pages(docs_dir)
        for language in LANGUAGES
        if not translation_path(page, language).is_file()
    ]


def check(docs_dir: Path = DOCS_DIR) -> dict[str, list[str]]:
    """Every English page's problems with its translations (a missing one included)."""
    problems: dict[str, list[str]] = {
        name: ["missing: every English page needs its translation"] for name in missing(docs_dir)
    }
    for page in english_pages(docs_dir):
        for language in LANGUAGES:
            translated = translation_path(page, language)
            name = translated.relative_to(docs_dir).as_posix()
            if name in problems:
                continue
            found = differences(
                page.read_text(encoding="utf-8"), translated.read_text(encoding="utf-8")
            )
            if found:
                problems[name] = found
    return problems


def main(argv: list[str]) -> int:
    if argv[:1] == ["anchors"]:
        for name in argv[1:]:
            path = Path(name)
            english = english_page(path)
            path.write_text(
                add_anchors(english.read_text(encoding="utf-8"), path.read_text(encoding="utf-8")),
                encoding="utf-8",
            )
        return 0
    problems = check()
    for page, found in problems.items():
        for problem in found:
            print(f"docs/{page}: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
