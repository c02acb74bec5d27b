"""Measure the site: build speed (issue targets), page weight, and first render in a browser.

Run with `make bench`. Prints figures; asserts nothing (these machines are shared and
noisy, so targets are judged by reading the figures, and as ratios within one run).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docsite.browser import chromium  # noqa: E402
from docsite.minisite import build_command, copy_project, switch_off_exec  # noqa: E402
from docsite.serve import serve  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
# A page with one block, a typical layer page, and the page with the most figures.
DIRTY_PAGES = ["index.md", "dropout.md", "activations.md"]


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env or ENV)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return elapsed, result.stdout + result.stderr


def timed_build(project: Path, site_dir: Path) -> float:
    """Wall seconds of the strict build ``make build`` runs, of ``project`` into ``site_dir``."""
    args, env = build_command(project, site_dir)
    seconds, _ = timed(args, project, env)
    return seconds


FLOOR = """
import time
t0 = time.perf_counter()
import torch, layerref  # what the build imports too
from pathlib import Path
from docsite.blocks import executed_blocks
from docsite.runner import run_block
t1 = time.perf_counter()
blocks = executed_blocks(Path("docs"))
for block in blocks:
    run_block(block, Path("docs"))
t2 = time.perf_counter()
print(f"{len(blocks)} {t1 - t0:.3f} {t2 - t1:.3f}")
"""


FORKS = """
import gc, os, time
from docsite.hugepages import collapse_heap_into_huge_pages
from docsite.isolation import warm_up_for_blocks

def fork_and_exit_ms(n=100):
    start = time.perf_counter()
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    return (time.perf_counter() - start) / n * 1000

warm_up_for_blocks()  # the zygote's state, as isolation.py leaves it before forking
gc.freeze()
small = fork_and_exit_ms()
collapsed = collapse_heap_into_huge_pages()
print(f"{small:.2f} {fork_and_exit_ms():.2f} {collapsed >> 20}")
"""


def fork_costs() -> tuple[float, float, int]:
    """Fork-and-exit ms of the warmed zygote in 4 KiB pages, then in huge pages; MB collapsed."""
    _, out = timed([sys.executable, "-c", FORKS], ROOT)
    small, huge, megabytes = out.split()[-3:]
    return float(small), float(huge), int(megabytes)


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy since boot (from /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(field) for field in stat.readline().split()[1:]]
    idle, iowait = ticks[3], ticks[4]
    return (sum(ticks) - idle - iowait) / os.sysconf("SC_CLK_TCK")


def build_times(site: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    figures["build"] = timed_build(ROOT, site)
    _, out = timed([sys.executable, "-c", FLOOR], ROOT)
    count, imports, blocks = out.split()[-3:]
    figures["blocks"], figures["imports"], figures["exec"] = (
        int(count),
        float(imports),
        float(blocks),
    )
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        switch_off_exec(project / "docs", keep=[])
        figures["render"] = timed_build(project, project / "site")
    figures["ratio"] = figures["build"] / (figures["imports"] + figures["exec"] + figures["render"])
    figures["bilingual"], figures["english"] = bilingual_and_english_builds()
    return figures


def bilingual_and_english_builds(rounds: int = 2) -> tuple[float, float]:
    """The fastest of ``rounds`` strict builds of one copy of the project with both
    languages, and with English only, taken in turns: the same folder, caches and load
    for both, so their ratio is the Chinese pass's cost, not which build ran first."""
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        config = project / "mkdocs.yml"
        bilingual = config.read_text(encoding="utf-8")
        zh = bilingual.index("- locale: zh")
        english = bilingual[:zh] + bilingual[zh:].replace("build: true", "build: false", 1)
        times: dict[str, list[float]] = {bilingual: [], english: []}
        for _ in range(rounds):
            for text, seconds in times.items():
                config.write_text(text, encoding="utf-8")
                seconds.append(timed_build(project, project / "site"))
        return min(times[bilingual]), min(times[english])


def dirty_rebuilds(pages: list[str]) -> dict[str, float]:
    """Seconds `mkdocs serve --dirty` takes to rebuild after each of ``pages`` is touched.

    (Not `--no-livereload`: in MkDocs 1.6 it also stops the file watcher, so nothing
    is ever rebuilt; that is why an earlier version of this measurement hung.)
    """
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        project = copy_project(Path(tmp))
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "--dirty",
                "--no-strict",
                "--dev-addr",
                f"127.0.0.1:{port}",
            ],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**ENV, "PYTHONPATH": str(project)},
            start_new_session=True,
        )
        try:
            _wait_for(proc, "Serving on")
            seconds = {}
            for page in pages:
                path = project / "docs" / page
                path.write_text(path.read_text() + "\n", encoding="utf-8")
                line = _wait_for(proc, "Documentation built in")
                seconds[page] = float(re.search(r"built in ([\d.]+) seconds", line)[1])
            return seconds
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)


def _wait_for(proc: subprocess.Popen, text: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if text in line:
            return line
        if not line and proc.poll() is not None:
            break
    raise RuntimeError(f"mkdocs serve never printed {text!r}")


def page_weights(site: Path) -> list[tuple[str, int]]:
    pages = [(p.relative_to(site).as_posix(), p.stat().st_size) for p in site.rglob("*.html")]
    return sorted(pages, key=lambda item: -item[1])


def first_render_ms(site: Path, page: str) -> float:
    """Median first contentful paint of ``page`` over three cold loads, in ms."""
    with serve(site) as url, chromium() as browser:
        times = []
        for _ in range(3):
            context = browser.new_context()  # cold: nothing cached
            tab = context.new_page()
            tab.goto(url + page.removesuffix("index.html"), wait_until="load")
            times.append(
                tab.evaluate(
                    "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"
                )
            )
            context.close()
    return sorted(times)[1]


def test_suite_seconds() -> tuple[float, float]:
    """Wall seconds of the test suite, and the CPU seconds the machine was busy meanwhile."""
    busy = busy_cpu_seconds()
    elapsed, _ = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"], ROOT)
    return elapsed, busy_cpu_seconds() - busy


def main() -> None:
    site = Path(tempfile.mkdtemp(prefix="layerref-bench-site-"))
    try:
        figures = build_times(site)
        print("Build speed (targets on this 2-core machine in brackets)")
        print(f"  strict build, wall:               {figures['build']:7.1f} s   [<= 20 s]")
        print(
            f"  in a copy, best of two: both languages {figures['bilingual']:.1f} s, "
            f"English only {figures['english']:.1f} s"
        )
        print(
            "  both languages / English only:    "
            f"{figures['bilingual'] / figures['english']:7.2f}     [<= 1.3]"
        )
        print(f"  import torch + layerref:          {figures['imports']:7.1f} s")
        print(f"  all {figures['blocks']:.0f} blocks once, one process:  {figures['exec']:7.1f} s")
        print(f"  build with execution off:         {figures['render']:7.1f} s")
        print(f"  build / (imports + blocks + render): {figures['ratio']:5.2f}     [<= 1.3]")
        try:
            for page, seconds in dirty_rebuilds(DIRTY_PAGES).items():
                label = f"serve --dirty, {page} touched:"
                print(f"  {label:<34}{seconds:7.2f} s   [<= 1 s]")
        except RuntimeError as error:  # a bench reports, it does not hang
            print(f"  serve --dirty rebuild:            not measured ({error})")
        weights = page_weights(site)
        total = sum(size for p in site.rglob("*") if p.is_file() for size in [p.stat().st_size])
        print("Page weight")
        print(
            f"  pages: {len(weights)}, largest: {weights[0][0]} {weights[0][1] / 1024:.0f} KB "
            f"[< 500 KB each], total site: {total / 2**20:.1f} MB"
        )
        for name, size in weights[:5]:
            print(f"    {size / 1024:7.0f} KB  {name}")
        print(
            f"  first contentful paint of {weights[0][0]}: "
            f"{first_render_ms(site, weights[0][0]):.0f} ms"
        )
        small, huge, megabytes = fork_costs()
        print("Isolation (one fork of the warmed zygote per block)")
        print(f"  fork + exit, 4 KiB pages:         {small:7.1f} ms")
        print(f"  fork + exit, {megabytes} MB in huge pages: {huge:5.1f} ms")
        if "--with-tests" in sys.argv:
            wall, cpu = test_suite_seconds()
            print(f"Test suite (pytest, after set-up): {wall:7.1f} s   [<= 90 s]")
            cores = os.cpu_count()
            print(
                f"  machine busy meanwhile:          {cpu:7.0f} CPU-s "
                f"of {cores * wall:.0f} ({cores} cores)"
            )
    finally:
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
