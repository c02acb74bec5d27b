"""MkDocs hooks of the site (registered under ``hooks:`` in mkdocs.yml).

- ``[[official: torch.X]]`` becomes a link to X's official API page; an
  unknown name is a warning, so a strict build fails.
- A Python warning raised while a page renders (that is, by one of its
  example blocks) is logged as a MkDocs warning naming the page, so a strict
  build fails on it as the test collector does.
- The theme's search dialog gets the accessible name Material leaves out.
- Compiled theme templates are kept across `mkdocs serve` rebuilds
  (``docsite.templates``).
- The search indexer reads each page's prose, without code blocks and figures
  (``docsite.search``): previews that read as text, and a smaller index.
- Each page's sitemap date is its last commit's (``docsite.lastmod``), not the build's.
- The Calculators page's torch-made cases go into the built site as
  ``assets/calculator-cases.json`` (``docsite.calculator_cases``, computed once per build:
  the page's block that prints their counts computed them already), for the browser tests.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from docsite.lastmod import last_commit_dates
from docsite.links import expand_official_links
from docsite.search import index_prose_only
from docsite.templates import COMPILED_TEMPLATES

log = logging.getLogger("mkdocs.plugins.layerref")
CALCULATORS_PAGE = "calculators.md"
_recorders: dict[str, tuple[warnings.catch_warnings, list[warnings.WarningMessage]]] = {}


def on_config(config):
    """Index prose only; warn (failing a strict build) if Material's search plugin changed."""
    search = config.plugins.get("material/search")
    if search is None or not search.config.enabled:
        return config  # no search index to build
    if not hasattr(search, "search_index"):
        log.warning("Material's search plugin changed (no search_index); update hooks.py")
    else:
        index_prose_only(search)
    return config


_calculator_pages: set[str] = set()


def on_files(files, config):
    """Note whether the Calculators page is built (a test build of a few pages may lack it)."""
    _calculator_pages.clear()
    if files.get_file_from_path(CALCULATORS_PAGE) is not None:
        _calculator_pages.add(CALCULATORS_PAGE)
    return files


def on_post_build(config) -> None:
    """Write the calculators' cases beside the page that runs them."""
    if not _calculator_pages:
        return
    from docsite.calculator_cases import CASES_FILE, to_json

    target = Path(config.site_dir) / CASES_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(to_json(), encoding="utf-8")


def on_env(env, config, files):
    """Reuse the theme's compiled templates from earlier builds in this process."""
    env.bytecode_cache = COMPILED_TEMPLATES
    return env


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Date the page, expand official-docs links and start recording warnings for it."""
    root = Path(config.config_file_path).parent
    source = Path(page.file.abs_src_path).relative_to(root).as_posix()
    # Outside a git checkout (a test's copy), MkDocs' build date stays.
    page.update_date = last_commit_dates(root).get(source, page.update_date)
    recorder = warnings.catch_warnings(record=True)
    caught = recorder.__enter__()
    warnings.simplefilter("always")
    _recorders[page.file.src_path] = (recorder, caught)
    return expand_official_links(
        markdown, on_error=lambda error: log.warning("%s: %s", page.file.src_path, error)
    )


def on_page_content(html: str, page, config, files) -> str:
    """Stop recording and report every warning the page's blocks raised."""
    recorder, caught = _recorders.pop(page.file.src_path)
    recorder.__exit__(None, None, None)
    for warning in caught:
        log.warning(
            "%s: an example block raised %s: %s",
            page.file.src_path,
            warning.category.__name__,
            warning.message,
        )
    return html


# Material 9.x renders the search dialog without a name (axe rule aria-dialog-name).
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_NAMED_SEARCH_DIALOG = _SEARCH_DIALOG.replace('role="dialog"', 'role="dialog" aria-label="Search"')


def on_post_page(output: str, page, config) -> str:
    """Name the search dialog; warn (failing a strict build) if the theme's markup changed."""
    if _SEARCH_DIALOG not in output:
        log.warning(
            "%s: the theme's search dialog markup changed; update hooks.py", page.file.src_path
        )
        return output
    return output.replace(_SEARCH_DIALOG, _NAMED_SEARCH_DIALOG, 1)
