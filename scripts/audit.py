"""Lighthouse scores of every page of the built site, slowest first (a measurement).

Run with `make audit` (it builds the site and installs the pinned Lighthouse from npm
into .audit/ first). The site is served gzipped, as a static host serves it, and each
page is audited with Lighthouse's mobile emulation (a mid-range phone: 4x slower CPU,
slow 4G). Prints, per page, performance / accessibility / best practices / SEO, the
paint and blocking times, the DOM size and the failing audits; asserts nothing (scores
move with the machine's load).

    .venv/bin/python scripts/audit.py [PAGE ...]    # e.g. normalization/ zh/pooling/
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docsite.browser import CHROMIUM, site_pages  # noqa: E402
from docsite.serve import serve  # noqa: E402

LIGHTHOUSE = ROOT / ".audit" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def audit(url: str) -> dict:
    """Lighthouse's JSON report of ``url``, in headless Debian Chromium."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--output=json",
                f"--output-path={report}",
                "--quiet",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                f"--only-categories={','.join(CATEGORIES)}",
            ],
            env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
            check=True,
            timeout=600,
        )
        return json.loads(report.read_text(encoding="utf-8"))


def summary(path: str, report: dict) -> dict:
    """The figures of one page's report."""
    audits = report["audits"]
    return {
        "page": path or "(home)",
        "scores": [round(report["categories"][c]["score"] * 100) for c in CATEGORIES],
        "fcp": audits["first-contentful-paint"]["displayValue"],
        "lcp": audits["largest-contentful-paint"]["displayValue"],
        "tbt": audits["total-blocking-time"]["displayValue"],
        "dom": audits["dom-size"].get("numericValue", 0),
        "failing": sorted(
            key
            for key, a in audits.items()
            if a.get("score") is not None
            and a.get("score") < 0.5
            and a.get("scoreDisplayMode") in {"binary", "numeric", "metricSavings"}
        ),
    }


def main(argv: list[str]) -> None:
    site = ROOT / "site"
    pages = argv or site_pages(site)
    rows = []
    with serve(site, compress=True) as base_url:
        for path in pages:
            rows.append(summary(path, audit(base_url + path)))
            print(f"  audited {rows[-1]['page']}: {rows[-1]['scores'][0]}", file=sys.stderr)
    rows.sort(key=lambda row: (row["scores"][0], row["page"]))
    print("| page | perf / a11y / best practices / SEO | FCP | LCP | TBT | DOM | failing |")
    print("| --- | --- | --- | --- | --- | ---: | --- |")
    for row in rows:
        scores = " / ".join(map(str, row["scores"]))
        print(
            f"| {row['page']} | {scores} | {row['fcp']} | {row['lcp']} | {row['tbt']} | "
            f"{row['dom']:,.0f} | {', '.join(row['failing']) or 'none'} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
