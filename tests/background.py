"""Slow subprocesses (site builds, a negative pytest run) started early, run alongside.

A test module registers a *recipe* under the name of the fixture that needs its
result. Once collection is over, the session starts the recipe of every fixture a
selected test uses, so a 20 s build runs on the other core while this process runs
the page blocks and unit tests, instead of after them. A recipe may name another
job it runs *after* (the browser check needs the built site). The fixture then
waits for the finished process.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Command:
    """A subprocess to run: its arguments, folder and environment (``None``: this one's)."""

    args: list[str]
    cwd: Path
    env: dict[str, str] | None = None
    timeout: float | None = None
    """Seconds after which the job is stopped (its result then says so): a broken time
    limit in what it tests must fail the run, not hang it."""


Recipe = Callable[[Path], Command]


@dataclass(frozen=True)
class _Registered:
    recipe: Recipe
    after: str | None
    deferrable: bool


class Registry:
    """Recipes by the name of the fixture that needs their result."""

    def __init__(self) -> None:
        self._recipes: dict[str, _Registered] = {}

    def __contains__(self, fixture_name: str) -> bool:
        return fixture_name in self._recipes

    def __getitem__(self, fixture_name: str) -> _Registered:
        if fixture_name not in self._recipes:
            raise KeyError(
                f"no background job is registered for {fixture_name!r}; "
                f"registered: {sorted(self._recipes)}"
            )
        return self._recipes[fixture_name]

    def recipe(
        self, fixture_name: str, *, after: str | None = None, deferrable: bool = False
    ) -> Callable[[Recipe], Recipe]:
        """Register ``function(workdir) -> Command`` as the job behind ``fixture_name``.

        Args:
            fixture_name: The fixture that returns the job's result.
            after: Start once the job behind this other fixture has finished.
            deferrable: Run at a lower CPU priority, in the gaps the session's own tests
                and the other jobs leave; the tests that wait for it run last.
        """

        def register(function: Recipe) -> Recipe:
            if fixture_name in self._recipes:
                raise ValueError(f"a background job for {fixture_name!r} is already registered")
            self._recipes[fixture_name] = _Registered(function, after, deferrable)
            return function

        return register

    def finishing_rank(self, fixture_names: Iterable[str]) -> tuple[bool, int]:
        """Sort key: when the jobs behind ``fixture_names`` are all likely done.

        Lowest without jobs; deferrable jobs after the others; otherwise jobs registered
        later (the site build comes first) later.
        """
        order = list(self._recipes)
        return max(
            (
                (self._recipes[name].deferrable, order.index(name))
                for name in fixture_names
                if name in self._recipes
            ),
            default=(False, -1),
        )


#: The session's recipes, registered by the test modules (and conftest) as they are imported.
REGISTRY = Registry()
recipe = REGISTRY.recipe
finishing_rank = REGISTRY.finishing_rank


@dataclass
class _Running:
    process: subprocess.Popen
    command: Command
    stdout: Path
    stderr: Path


class Jobs:
    """The background jobs of one test session."""

    def __init__(self, registry: Registry = REGISTRY) -> None:
        self._registry = registry
        self._workdir = Path(tempfile.mkdtemp(prefix="layerref-jobs-"))
        self._running: dict[str, _Running] = {}
        self._waiting: dict[str, threading.Thread] = {}  # jobs waiting for the job they follow
        self._closed = False

    def start_needed(self, fixture_names: Iterable[str]) -> None:
        """Start the registered job of every name in ``fixture_names`` not started yet."""
        for name in fixture_names:
            if name in self._registry:
                self._start(name)

    def _start(self, name: str) -> None:
        if name in self._running or name in self._waiting:
            return
        after = self._registry[name].after
        if after is None:
            self._launch(name)
            return
        self._start(after)

        def launch_when_done() -> None:
            self._wait(after)
            if not self._closed:
                self._launch(name)

        self._waiting[name] = threading.Thread(target=launch_when_done, daemon=True)
        self._waiting[name].start()

    def workdir(self, name: str) -> Path:
        """The folder the recipe of job ``name`` was given (for the files it writes)."""
        return self._workdir / name

    def _launch(self, name: str) -> None:
        workdir = self.workdir(name)
        workdir.mkdir()
        command = self._registry[name].recipe(workdir)
        stdout, stderr = workdir / "stdout.txt", workdir / "stderr.txt"
        with stdout.open("wb") as out, stderr.open("wb") as err:
            args = (
                ["nice", "-n", "10", *command.args]
                if self._registry[name].deferrable
                else command.args
            )
            process = subprocess.Popen(
                args, cwd=command.cwd, stdout=out, stderr=err, env=command.env
            )
        self._running[name] = _Running(process, command, stdout, stderr)

    def _wait(self, name: str) -> _Running:
        if name in self._waiting:
            self._waiting[name].join()
        job = self._running[name]
        try:
            job.process.wait(timeout=job.command.timeout)
        except subprocess.TimeoutExpired:
            job.process.kill()
            job.process.wait()
            with job.stderr.open("a", encoding="utf-8") as err:
                err.write(f"\nstopped: still running after {job.command.timeout:g} s\n")
        return job

    def result(self, name: str) -> subprocess.CompletedProcess[str]:
        """Wait for the job behind fixture ``name`` (starting it now if need be)."""
        self._start(name)
        job = self._wait(name)
        return subprocess.CompletedProcess(
            job.command.args,
            job.process.returncode,
            job.stdout.read_text(encoding="utf-8", errors="replace"),
            job.stderr.read_text(encoding="utf-8", errors="replace"),
        )

    def close(self) -> None:
        """Stop what is still running (a test run cut short) and remove the work folders."""
        self._closed = True
        for job in list(self._running.values()):
            if job.process.poll() is None:
                job.process.kill()
                job.process.wait()
        for thread in self._waiting.values():
            thread.join()
        shutil.rmtree(self._workdir, ignore_errors=True)
