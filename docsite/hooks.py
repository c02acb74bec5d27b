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
  (``docsite.search``): previews that read as text, and a smaller index. Each language
  has its own index, which its pages search.
- Each page's sitemap date is its last commit's (``docsite.lastmod``), not the build's.
- The figures the blocks print inline become lazily loaded SVG files, one per theme
  (``docsite.figures.externalize``): lighter pages on a phone.
- The Calculators page's torch-made cases go into the built site as
  ``assets/calculator-cases.json`` (``docsite.calculator_cases``, computed once per build:
  the page's block that prints their counts computed them already), for the browser tests.
"""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

from mkdocs.utils import get_relative_url

from docsite import llms
from docsite.figures import externalize
from docsite.i18n import forget_outputs, remember_outputs, remembered_output
from docsite.lastmod import last_commit_date, last_commit_dates
from docsite.links import expand_official_links
from docsite.llms import nav_pages
from docsite.search import index_each_language_apart, index_prose_only
from docsite.serve import site_path
from docsite.templates import COMPILED_TEMPLATES
from docsite.translations import missing

log = logging.getLogger("mkdocs.plugins.layerref")
#: Where the figures of the pages go in the built site (``docsite.figures.externalize``).
FIGURES_DIR = "assets/figures"
CALCULATORS_PAGE = "calculators.md"
_recorders: dict[str, tuple[warnings.catch_warnings, list[warnings.WarningMessage]]] = {}


def _translation_pass(config) -> bool:
    """Whether this build() is mkdocs-static-i18n's pass for a language other than English."""
    i18n = config.plugins.get("i18n")
    return i18n is not None and i18n.current_language not in (None, i18n.default_language)


def on_pre_build(config) -> None:
    """Each example runs once per build (``docsite.i18n``): outputs are remembered from the
    English pass for the Chinese one, and forgotten when the next build starts (a
    ``serve`` rebuild must show what changed code prints now)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return
    if not remember_outputs():
        log.warning("markdown-exec changed (no _run_python): update docsite/i18n.py")
    if not _translation_pass(config):
        forget_outputs()
        return
    # A page without its translation fails the build.
    for page in missing(Path(config.docs_dir)):
        log.warning("docs/%s is missing: every English page needs its translation", page)


def on_startup(command: str, dirty: bool) -> None:
    """Quiet jieba, which Material's search uses to segment Chinese, about loading itself."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)


def on_config(config):
    """Index prose only; warn (failing a strict build) if Material's search plugin changed."""
    search = config.plugins.get("material/search")
    if search is None or not search.config.enabled:
        return config  # no search index to build
    if not hasattr(search, "search_index"):
        log.warning("Material's search plugin changed (no search_index); update hooks.py")
    else:
        index_prose_only(search)
    i18n = config.plugins.get("i18n")
    if i18n is not None:
        others = [lang for lang in i18n.build_languages if lang != i18n.default_language]
        index_each_language_apart(search, others)
    return config


_calculator_pages: set[str] = set()


def on_files(files, config):
    """Note whether the Calculators page is built (a test build of a few pages may lack it)."""
    _calculator_pages.clear()
    if files.get_file_from_path(CALCULATORS_PAGE) is not None:
        _calculator_pages.add(CALCULATORS_PAGE)
    return files


def on_post_build(config) -> None:
    """Write llms.txt and llms-full.txt (English pass), and the calculators' cases beside
    the page that runs them."""
    if not _translation_pass(config):
        site_url = config.site_url or "/"
        pages = nav_pages(config.nav or [], Path(config.docs_dir), site_url)
        llms.write(
            Path(config.site_dir),
            pages,
            config.site_name,
            config.site_description or "",
            remembered_output,
        )
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
    root = Path(config.config_file_path).resolve().parent
    source = Path(page.file.abs_src_path).relative_to(root).as_posix()
    # A page not committed yet takes the last commit's date (a build does not depend on
    # the day it runs); outside a git checkout (a test's copy) MkDocs' build date stays.
    page.update_date = (
        last_commit_dates(root).get(source) or last_commit_date(root) or page.update_date
    )
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


_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def on_post_template(output: str, template_name: str, config) -> str:
    """The 404 page: no hreflang alternates (see on_post_page), and a language menu that
    leads to each edition's home (mkdocs-static-i18n leaves the last page's links there)."""
    if template_name != "404.html":
        return output
    # A static host has one 404 page, at the root: the English one. (mkdocs-static-i18n
    # renders one per language, each to the same file.)
    if _translation_pass(config):
        return _ENGLISH_404.get("html", output)
    root = site_path(config.site_url or "/")
    i18n = config.plugins.get("i18n")
    default = i18n.default_language if i18n is not None else "en"
    output = _ALTERNATE.sub("", output)
    _ENGLISH_404["html"] = _LANGUAGE_LINK.sub(
        lambda m: f"{m[1]}{root}{'' if m[3] == default else m[3] + '/'}{m[2]}{m[3]}", output
    )
    return _ENGLISH_404["html"]


_ENGLISH_404: dict[str, str] = {}
_LANGUAGE_LINK = re.compile(r'(<a href=")[^"]*(" hreflang=")(\w+)(?=" class="md-select__link")')


_CONFIG_BASE = re.compile(
    r'(<script id="__config" type="application/json">\{[^<]*?"base": )"[^"]*"'
)


def _search_own_edition(output: str, page, config) -> str:
    """Point the theme's ``base`` of a translated page at its edition's root (``zh/``),
    where its search index is (``docsite.search.index_each_language_apart``): the theme
    fetches the index and resolves the results' links from ``base``, and from nothing else
    this site uses."""
    i18n = config.plugins["i18n"]
    edition = get_relative_url(f"{i18n.current_language}/", page.url)
    output, found = _CONFIG_BASE.subn(lambda m: f'{m[1]}"{edition}"', output, count=1)
    if not found:
        log.warning("%s: the theme's __config changed (no base); update hooks.py", page.url)
    return output


def on_post_page(output: str, page, config) -> str:
    """Name the search dialog (warn, failing a strict build, if the theme's markup changed)
    and move the page's figures into lazily loaded image files."""
    if _SEARCH_DIALOG not in output:
        log.warning(
            "%s: the theme's search dialog markup changed; update hooks.py", page.file.src_path
        )
        return output
    output = output.replace(_SEARCH_DIALOG, _NAMED_SEARCH_DIALOG, 1)
    # The hreflang alternates live in the sitemap (mkdocs-static-i18n writes them there, as
    # full addresses). In the page's head, Material's script takes each one for a language
    # root and fetches its sitemap.xml: a failed request per language on every page.
    output = _ALTERNATE.sub("", output)
    if _translation_pass(config):
        output = _search_own_edition(output, page, config)
    figures = Path(config.site_dir) / FIGURES_DIR

    def save(name: str, svg: str) -> str:
        figures.mkdir(parents=True, exist_ok=True)
        (figures / name).write_text(svg, encoding="utf-8")
        return get_relative_url(f"{FIGURES_DIR}/{name}", page.url)

    return externalize(output, save)
