"""MkDocs hooks of the site (registered under ``hooks:`` in mkdocs.yml)."""

from __future__ import annotations

import logging

from layerref.docsite.links import expand_official_links

log = logging.getLogger("mkdocs.plugins.layerref")


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Expand ``[[official: torch.X]]`` links; an unknown name is a warning (fatal under --strict)."""
    return expand_official_links(
        markdown, on_error=lambda error: log.warning("%s: %s", page.file.src_path, error)
    )
