"""Build the layerref wheel and try it where a reader would: a fresh environment with torch.

Run by ``tests/test_package.py`` as a background job; prints a JSON report::

    python tests/wheel_check.py WORKDIR

Offline and quick: the wheel is built without build isolation (setuptools from the
project's environment), and the fresh virtual environment gets torch, numpy and what
they require, and nothing else, as links to the project's pinned installs (copying
torch would take a minute) before the wheel is installed into it with pip.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
#: What the fresh environment starts with (and their requirements).
BASE = ("torch", "numpy")

# Imports the package, then runs every docstring example of every module in it.
_PROBE = """
import doctest, importlib, json, pkgutil, sys
import layerref
results = {}
for info in pkgutil.walk_packages(layerref.__path__, "layerref."):
    module = importlib.import_module(info.name)
    outcome = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    results[info.name] = [outcome.attempted, outcome.failed]
importable = {}
for name in ("docsite", "mkdocs", "pytest", "matplotlib"):
    try:
        importlib.import_module(name)
        importable[name] = True
    except ImportError:
        importable[name] = False
print(json.dumps({"file": layerref.__file__, "version": layerref.__version__,
                  "doctests": results, "importable": importable}))
"""


def build_wheel(workdir: Path) -> Path:
    """Build the wheel from a copy of the sources (the checkout stays untouched)."""
    source = workdir / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "layerref", source / "layerref", ignore=shutil.ignore_patterns("__pycache__")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--wheel-dir",
            str(workdir / "dist"),
            str(source),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return next((workdir / "dist").glob("layerref-*.whl"))


def requirement_closure(names: tuple[str, ...]) -> list[metadata.Distribution]:
    """The installed distributions ``names`` need, with their own requirements, recursively."""
    seen: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        dist = metadata.distribution(name)
        seen[name] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return sorted(seen.values(), key=lambda d: d.metadata["Name"].lower())


def fresh_environment(workdir: Path) -> Path:
    """A new virtual environment holding only ``BASE`` and their requirements; its python."""
    venv = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    here = Path(sysconfig.get_paths()["purelib"])
    for dist in requirement_closure(BASE):
        tops = {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
        for top in tops:
            if (here / top).exists() and not (Path(purelib) / top).exists():
                os.symlink(here / top, Path(purelib) / top)
    return python


def main(workdir: Path) -> dict[str, object]:
    wheel = build_wheel(workdir)
    files = sorted(zipfile.ZipFile(wheel).namelist())
    python = fresh_environment(workdir)
    # Away from the checkout: its layerref must not be seen, installed or imported.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,
        env=env,
    )
    probe = subprocess.run(
        [str(python), "-c", _PROBE], cwd=workdir, env=env, capture_output=True, text=True
    )
    installed = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m; "
            "print(sorted(d.metadata['Name'].lower() for d in m.distributions()))",
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    return {
        "wheel": wheel.name,
        "files": files,
        "metadata": zipfile.ZipFile(wheel)
        .read(next(f for f in files if f.endswith(".dist-info/METADATA")))
        .decode(),
        "environment": installed.strip(),
        "probe": probe.stdout.strip(),
        "probe_errors": probe.stderr[-3000:],
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
