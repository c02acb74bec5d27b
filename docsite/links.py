"""Links: to the official PyTorch API pages (checked against the installed torch) and
between the site's own pages, as the built HTML needs them."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from docsite.inventory import resolve

BASE = "https://docs.pytorch.org/docs/stable"

# Pages that document a whole module on one page, with one anchor per function.
_ONE_PAGE_MODULES = {"torch.nn.init": "nn.init.html"}

#: Syntax the site's Markdown uses for an official-docs link: [[official: torch.nn.Conv2d]]
MARKER = re.compile(r"\[\[official:\s*(?P<name>[\w.]+)\s*\]\]")


def official_url(name: str) -> str:
    """The official API page of a torch name (checked to exist in the installed torch).

    Raises:
        ValueError: The name is not a ``torch.`` name or does not resolve.

    Examples:
        >>> official_url("torch.nn.Conv2d")
        'https://docs.pytorch.org/docs/stable/generated/torch.nn.Conv2d.html'
        >>> official_url("torch.nn.init.xavier_uniform_")
        'https://docs.pytorch.org/docs/stable/nn.init.html#torch.nn.init.xavier_uniform_'
    """
    if not name.startswith("torch."):
        raise ValueError(f"official-docs names must start with 'torch.', got {name!r}")
    resolve(name)
    module, _, _ = name.rpartition(".")
    if module in _ONE_PAGE_MODULES:
        return f"{BASE}/{_ONE_PAGE_MODULES[module]}#{name}"
    return f"{BASE}/generated/{name}.html"


def expand_official_links(
    markdown: str, on_error: Callable[[ValueError], None] | None = None
) -> str:
    """Replace each ``[[official: NAME]]`` with a Markdown link to NAME's official page.

    Args:
        markdown: The page's Markdown.
        on_error: Called with the error for a name that does not resolve (the
            marker is then left as it is); without it, the error is raised.

    Examples:
        >>> expand_official_links("See [[official: torch.nn.ReLU]].")
        'See [`torch.nn.ReLU` (official docs)](https://docs.pytorch.org/docs/stable/generated/torch.nn.ReLU.html).'
    """

    def link(match: re.Match[str]) -> str:
        try:
            return f"[`{match['name']}` (official docs)]({official_url(match['name'])})"
        except ValueError as error:
            if on_error is None:
                raise
            on_error(error)
            return match[0]

    return MARKER.sub(link, markdown)


def page_link(page: str, anchor: str = "", *, from_page: str) -> str:
    """The URL of ``page#anchor`` relative to ``from_page``, as in the built site.

    For Markdown that a block *prints*: MkDocs rewrites ``page.md`` links only in the
    page's own Markdown, so generated links must already be the final URLs (the
    site uses directory URLs: ``pooling.md`` is served as ``pooling/``).

    Examples:
        >>> page_link("pooling.md", "adaptive", from_page="coverage.md")
        '../pooling/#adaptive'
        >>> page_link("index.md", from_page="coverage.md")
        '../'
        >>> page_link("coverage.md", "init", from_page="coverage.md")
        '#init'
    """

    def directory(md: str) -> str:
        stem = md.removesuffix(".md")
        return posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem

    relative = posixpath.relpath(directory(page) or ".", directory(from_page) or ".")
    url = "" if relative == "." else relative + "/"
    fragment = f"#{anchor}" if anchor else ""
    return url + fragment or "./"
