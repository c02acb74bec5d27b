"""The date of the last commit that touched each page, for the sitemap's ``lastmod``.

MkDocs writes the build date into every ``<lastmod>``, so the sitemap changed every
day and told search engines nothing. The last commit date changes only when the page
does, and two builds of one commit are identical on any day.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path


@cache
def last_commit_dates(root: Path) -> dict[str, str]:
    """``{path relative to root: YYYY-MM-DD}`` of the last commit touching each tracked file.

    Empty outside a git checkout (the sitemap then has no ``lastmod``).

    Examples:
        >>> dates = last_commit_dates(Path(__file__).resolve().parents[1])
        >>> all(len(date) == 10 for date in dates.values())
        True
    """
    try:
        log = subprocess.run(
            ["git", "log", "--format=@%cs", "--name-only", "--no-renames", "--", "docs"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    dates: dict[str, str] = {}
    date = ""
    for line in log.splitlines():
        if line.startswith("@"):
            date = line[1:]
        elif line:
            dates.setdefault(line, date)  # newest first: keep the first date seen
    return dates


@cache
def last_commit_date(root: Path) -> str | None:
    """The date of the checkout's last commit (for a page not committed yet), or ``None``."""
    try:
        return (
            subprocess.run(
                ["git", "log", "-1", "--format=%cs"],
                cwd=root,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.CalledProcessError):
        return None
