"""The background job runner the build and browser tests rely on (tests/background.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from background import Command, Jobs, Registry


def python(code: str, workdir: Path) -> Command:
    return Command([sys.executable, "-c", code], workdir)


@pytest.fixture
def registry() -> Registry:
    return Registry()


def test_a_job_after_another_starts_once_that_one_has_finished(registry, tmp_path):
    stamps = tmp_path / "stamps.txt"
    append = "import time; open({path!r}, 'a').write('{name} %f\\n' % time.time())"

    @registry.recipe("first")
    def first(workdir):
        return python(
            "import time; time.sleep(0.5); " + append.format(path=str(stamps), name="first"),
            workdir,
        )

    @registry.recipe("second", after="first")
    def second(workdir):
        return python(append.format(path=str(stamps), name="second") + "; print('done')", workdir)

    jobs = Jobs(registry)
    try:
        jobs.start_needed(["second"])  # starts "first" too
        result = jobs.result("second")
    finally:
        jobs.close()
    assert result.returncode == 0 and result.stdout == "done\n"
    assert [line.split()[0] for line in stamps.read_text().splitlines()] == ["first", "second"]


def test_result_reports_output_and_failure(registry):
    @registry.recipe("failing")
    def failing(workdir):
        return python("import sys; print('out'); sys.exit('err')", workdir)

    jobs = Jobs(registry)
    try:
        result = jobs.result("failing")  # not started by start_needed: result starts it
    finally:
        jobs.close()
    assert (result.returncode, result.stdout, result.stderr) == (1, "out\n", "err\n")


def test_unknown_job_names_the_registered_ones(registry):
    @registry.recipe("built_site")
    def build(workdir):
        return python("pass", workdir)

    jobs = Jobs(registry)
    with pytest.raises(KeyError, match=r"'bulit_site'.*registered: \['built_site'\]"):
        jobs.result("bulit_site")
    jobs.close()


def test_close_stops_a_job_still_running_and_the_one_waiting_for_it(registry, tmp_path):
    marker = tmp_path / "second-ran"

    @registry.recipe("slow")
    def slow(workdir):
        return python("import time; time.sleep(60)", workdir)

    @registry.recipe("after-slow", after="slow")
    def after_slow(workdir):
        return python(f"open({str(marker)!r}, 'w')", workdir)

    jobs = Jobs(registry)
    jobs.start_needed(["after-slow"])
    started = time.monotonic()
    jobs.close()
    assert time.monotonic() - started < 10
    time.sleep(0.5)
    assert not marker.exists()


def test_finishing_rank_puts_deferrable_jobs_last(registry):
    for name, deferrable in [("site", False), ("check", False), ("again", True)]:
        registry.recipe(name, deferrable=deferrable)(lambda workdir: python("pass", workdir))
    ranks = {
        names: registry.finishing_rank(names)
        for names in [(), ("site",), ("check",), ("again",), ("site", "again"), ("tmp_path",)]
    }
    assert sorted(ranks, key=ranks.get) == [
        (),
        ("tmp_path",),
        ("site",),
        ("check",),
        ("again",),
        ("site", "again"),
    ]
    with pytest.raises(ValueError, match="already registered"):
        registry.recipe("site")(lambda workdir: python("pass", workdir))


def test_a_job_past_its_time_limit_is_stopped_and_says_so(registry, tmp_path):
    @registry.recipe("hangs")
    def hangs(workdir):
        return Command([sys.executable, "-c", "while True: pass"], workdir, timeout=1)

    jobs = Jobs(registry)
    try:
        start = time.monotonic()
        result = jobs.result("hangs")
        assert time.monotonic() - start < 10
        assert result.returncode != 0 and "still running after 1 s" in result.stderr
    finally:
        jobs.close()
