"""Lighthouse scores of the built site: the home page and the heaviest page.

Run with `make audit` (it builds the site and installs the pinned Lighthouse from npm
into .audit/ first). Prints performance / accessibility / best practices / SEO and the
audits that fail; asserts nothing (scores move with the machine's load).
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

from docsite.browser import CHROMIUM  # noqa: E402
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


def main() -> None:
    site = ROOT / "site"
    pages = sorted(site.rglob("index.html"), key=lambda p: p.stat().st_size)
    heaviest = pages[-1].relative_to(site).parent.as_posix() + "/"
    with serve(site) as base_url:
        for name, path in [("home", ""), (f"heaviest ({heaviest})", heaviest)]:
            report = audit(base_url + path)
            scores = " / ".join(f"{report['categories'][c]['score'] * 100:.0f}" for c in CATEGORIES)
            audits = report["audits"]
            failing = sorted(
                key
                for key, a in audits.items()
                if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0
            )
            print(f"{name}: {scores}  (performance / accessibility / best practices / SEO)")
            print(
                f"  FCP {audits['first-contentful-paint']['displayValue']}, "
                f"LCP {audits['largest-contentful-paint']['displayValue']}, "
                f"TBT {audits['total-blocking-time']['displayValue']}; "
                f"failing audits: {', '.join(failing) or 'none'}"
            )


if __name__ == "__main__":
    main()
