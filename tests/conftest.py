"""Shared fixtures: one strict build of the real site per session, started in the background."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from background import Command, Jobs, finishing_rank, recipe

from docsite.minisite import ROOT, SITE_DIR, TEST_SITE_URL, build_command

_jobs = Jobs()


@recipe("built_site")
def _build_the_site(workdir: Path) -> Command:
    args, env = build_command(ROOT, SITE_DIR, TEST_SITE_URL)
    return Command(args, ROOT, env)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The page blocks and unit tests first (and with them every block that forks, before
    # any browser thread exists); then the tests that wait for background jobs, in the
    # order the jobs finish.
    items.sort(key=lambda item: finishing_rank(getattr(item, "fixturenames", ())))


def pytest_collection_finish(session: pytest.Session) -> None:
    _jobs.start_needed(
        {name for item in session.items for name in getattr(item, "fixturenames", ())}
    )


def pytest_sessionfinish() -> None:
    _jobs.close()


@pytest.fixture(scope="session")
def jobs() -> Jobs:
    """The session's background jobs (see `background`)."""
    return _jobs


@pytest.fixture(scope="session")
def built_site(jobs: Jobs) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The strict build of the real site into site/: the finished run and the folder."""
    return jobs.result("built_site"), SITE_DIR
