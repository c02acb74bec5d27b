"""The site is right at its real address, reproducible, deployable and readable by tools.

The test session builds the site for `TEST_SITE_URL`, a project site on a sub-path as
GitHub Pages serves it (the browser tests serve it under that path).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from docsite.lastmod import last_commit_dates
from docsite.minisite import ROOT, TEST_SITE_URL

pytestmark = pytest.mark.build
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def _nav_pages() -> list[str]:
    """Every page of mkdocs.yml's nav, in order."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.safe_load(text[text.index("\nnav:") :])["nav"]  # the rest holds !ENV tags

    def walk(items: list) -> list[str]:
        return [
            page
            for item in items
            for value in item.values()
            for page in (walk(value) if isinstance(value, list) else [value])
        ]

    return walk(nav)


def _url(page: str) -> str:
    return TEST_SITE_URL + ("" if page == "index.md" else page.removesuffix(".md") + "/")


def test_a_published_build_names_no_local_address(built_site):
    _, site = built_site
    files = [*site.rglob("*.html"), site / "sitemap.xml"]
    local = sorted(
        p.relative_to(site).as_posix() for p in files if "127.0.0.1" in p.read_text("utf-8")
    )
    assert local == []


def test_every_page_is_canonical_at_the_real_address(built_site):
    _, site = built_site
    for page in _nav_pages():
        html = (site / _url(page).removeprefix(TEST_SITE_URL) / "index.html").read_text("utf-8")
        assert f'<link rel="canonical" href="{_url(page)}">' in html, page


def test_the_sitemap_lists_every_page_dated_by_its_last_commit(built_site):
    _, site = built_site
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    entries = dict(re.findall(r"<loc>([^<]+)</loc>\s*(?:<lastmod>([^<]+)</lastmod>)?", sitemap))
    dates = last_commit_dates(ROOT)
    for page in _nav_pages():
        assert _url(page) in entries, page
        assert entries[_url(page)] == dates.get(f"docs/{page}", ""), page


def test_llms_txt_lists_every_page_and_llms_full_holds_what_blocks_printed(built_site):
    _, site = built_site
    llms = (site / "llms.txt").read_text(encoding="utf-8")
    missing = [page for page in _nav_pages() if f"]({_url(page)}): " not in llms]
    assert missing == []
    full = (site / "llms-full.txt").read_text(encoding="utf-8")
    # What a block printed (convolution.md, conv1d: 20 -> 16 channels, 8 -> 16 steps).
    assert "torch.Size([2, 20, 8]) -> torch.Size([2, 16, 16])" in full and "nn.Conv2d" in full


def _validate(workflow: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_workflow_is_valid_and_tests_exactly_as_ci_does():
    result = _validate(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    runs = [step["run"] for step in jobs["test"]["steps"] if "run" in step]
    assert runs == ["bash .ci/run"]
    uses = [step.get("uses", "").partition("@")[0] for step in jobs["publish"]["steps"]]
    assert {
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    } <= set(uses)


def test_an_invalid_workflow_is_rejected(tmp_path):
    """Negative test: the validation can fail (a job without runs-on, a misspelt key)."""
    broken = tmp_path / "ci.yml"
    broken.write_text(
        "on: push\njobs:\n  test:\n    step:\n      - run: make test\n", encoding="utf-8"
    )
    assert _validate(broken).returncode != 0


def test_every_chinese_page_says_its_language_and_the_sitemap_pairs_the_editions(built_site):
    """``<html lang="zh">`` on the Chinese pages; each sitemap entry names both editions as
    hreflang alternates, by their full addresses."""
    _, site = built_site
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for page in _nav_pages():
        path = _url(page).removeprefix(TEST_SITE_URL)
        english = (site / path / "index.html").read_text(encoding="utf-8")
        chinese = (site / "zh" / path / "index.html").read_text(encoding="utf-8")
        assert '<html lang="zh"' in chinese and '<html lang="en"' in english, page
        entry = sitemap[sitemap.index(f"<loc>{_url(page)}</loc>") :].split("</url>")[0]
        for lang, url in (("en", _url(page)), ("zh", TEST_SITE_URL + "zh/" + path)):
            assert f'hreflang="{lang}" href="{url}"' in entry, (page, entry)
