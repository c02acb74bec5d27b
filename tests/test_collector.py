"""The block collector rejects every kind of bad block, each for its own reason.

One pytest run (a background job) over a copy of the project with one page per fault.
Every other block of a fault page has its snapshot, so the fault's own item is the only
thing that fails on its page, with its own message; control pages (a float jittered in
its last digit, ...) must pass. The run's JUnit report says which item failed and why.
"""

from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from background import Command, recipe

from docsite import snapshots
from docsite.minisite import copy_project

pytestmark = pytest.mark.build

#: Seconds a block may run alone in the negative run (``layerref_block_timeout``).
BLOCK_TIMEOUT = 2


@dataclass(frozen=True)
class Block:
    id: str
    code: str
    snapshot: str | None = ""
    """What the snapshot holds for the block (``None``: the page's snapshot lacks it)."""
    options: str = ""


@dataclass(frozen=True)
class FaultPage:
    """A page with one fault; ``fails`` is the one item that must fail, with ``message``."""

    blocks: list[Block]
    fails: str
    message: str
    extra: list[str] = field(default_factory=list)
    """More text that must be in the failure (e.g. the state key that leaked)."""


def _svg(path: str) -> str:
    """A one-line figure."""
    return f'<svg xmlns="http://www.w3.org/2000/svg"><path d="{path}"/></svg>'


def _leak(code: str, key: str) -> FaultPage:
    """A block that leaves ``key`` of the global state changed, between two that do not."""
    name = f"neg-leak-{key.replace('_', '-')}"
    # The block after prints what a leaked dtype or print option would change: it passes
    # only if the leak was undone.
    after = "import torch\nthird = torch.tensor([1 / 3])\nprint(third, third.dtype)"
    return FaultPage(
        [
            Block(f"{name}-before", "print(1)", "1\n"),
            Block(name, code),
            Block(f"{name}-after", after, "tensor([0.3333]) torch.float32\n"),
        ],
        name,
        "left global state changed",
        [f"'{key}'"],
    )


FAULTS: dict[str, FaultPage] = {
    "raising block": FaultPage(
        [Block("neg-raise", "x = 1\nraise ValueError('boom')")],
        "neg-raise",
        "ValueError: boom",
        ["docs/neg-raising-block.md:7"],
    ),
    "warning block": FaultPage(
        [Block("neg-warn", "import warnings\nwarnings.warn('careful')")],
        "neg-warn",
        "UserWarning: careful",
    ),
    "leaked dtype": _leak("import torch\ntorch.set_default_dtype(torch.float64)", "default_dtype"),
    "leaked grad mode": _leak("import torch\ntorch.set_grad_enabled(False)", "grad_enabled"),
    # The public torch.use_deterministic_algorithms takes 2.6 s cold (it imports inductor).
    "leaked deterministic mode": _leak(
        "import torch\ntorch._C._set_deterministic_algorithms(True)", "deterministic"
    ),
    "leaked thread count": _leak(
        "import torch\ntorch.set_num_threads(torch.get_num_threads() + 1)", "num_threads"
    ),
    "leaked working directory": _leak("import os\nos.chdir('/')", "cwd"),
    "leaked print options": _leak(
        "import torch\ntorch.set_printoptions(precision=2)", "print_options"
    ),
    "leaked hook": _leak(
        "from torch.nn.modules.module import register_module_forward_hook\n"
        "register_module_forward_hook(lambda *args: None)",
        "global_module_hooks",
    ),
    "leaked backward hook kind": _leak(
        "from torch.nn.modules.module import register_module_full_backward_hook\n"
        "register_module_full_backward_hook(lambda *args: None).remove()",
        "global_backward_hook_kind",
    ),
    "unseeded randomness": FaultPage(
        [
            Block(
                "neg-seeded",
                "import torch\ntorch.manual_seed(1)\nprint(torch.rand(1))",
                "tensor([0.7576])\n",
            ),
            Block("neg-unseeded", "import torch\nprint(torch.rand(1))", "tensor([0.2793])\n"),
        ],
        "neg-unseeded",
        "prints differently alone than after the blocks before it",
    ),
    "fails only alone": FaultPage(
        [
            Block("neg-sets-torch-attribute", "import torch\ntorch.layerref_leak = 1"),
            Block("neg-needs-torch-attribute", "import torch\nprint(torch.layerref_leak)", "1\n"),
        ],
        "neg-needs-torch-attribute",
        "fails when run alone, though not after the blocks before it",
        ["AttributeError"],
    ),
    "hang": FaultPage(
        [Block("neg-hang", "while True:\n    pass")],
        "neg-hang",
        f"block 'neg-hang' (docs/neg-hang.md:6) did not finish within {BLOCK_TIMEOUT} s",
    ),
    "snapshot drift": FaultPage(
        [Block("neg-drift", "print(2 + 2)", "5\n")],
        "neg-drift",
        "prints something other than its snapshot",
        ["5 became 4"],
    ),
    "float drift": FaultPage(
        [
            Block(
                "neg-float-drift",
                "import torch\nprint(torch.tensor([0.1234, 2.5]))",
                "tensor([0.1357, 2.5000])\n",
            )
        ],
        "neg-float-drift",
        "docs/neg-float-drift.md:6 block 'neg-float-drift' prints something "
        "other than its snapshot",
        ["0.1357 became 0.1234"],
    ),
    "figure drift": FaultPage(
        [
            Block(
                "neg-figure-drift",
                f"print({_svg('M 0 0 L 10 10')!r})",
                "[svg: neg-figure-drift/neg-figure-drift.svg]\n",
                'html="1"',
            )
        ],
        "neg-figure-drift",
        "prints something other than its snapshot",
        ["a point moved by 3"],
    ),
    "error demonstration without proof": FaultPage(
        [
            Block(
                "neg-error-demo",
                "try:\n    int('x')\nexcept ValueError as error:\n    print(error)",
            )
        ],
        "neg-error-demo",
        "[error-demo]",
        ["docs/neg-error-demonstration-without-proof.md:6"],
    ),
    "warning demonstration without proof": FaultPage(
        [
            Block(
                "neg-warning-demo",
                "import warnings\nwith warnings.catch_warnings(record=True) as w:\n"
                "    warnings.simplefilter('always')\nassert all('x' in str(m.message) for m in w)",
            )
        ],
        "neg-warning-demo",
        "[warning-demo]",
    ),
    "literal proof": FaultPage(
        [Block("neg-literal-proof", "print('module == functional: True')")],
        "neg-literal-proof",
        "[literal-proof]",
    ),
    "vacuous assert": FaultPage(
        [Block("neg-vacuous", "assert 3 * 16 + 16 == 64")], "neg-vacuous", "[vacuous-assert]"
    ),
    "duplicate id": FaultPage(
        [Block("home-versions", "print(1)", "1\n")],
        "docs/neg-duplicate-id.md",
        "duplicate block id 'home-versions'",
    ),
    "session": FaultPage(
        [Block("neg-session", "print(1)", "1\n", 'session="s"')],
        "docs/neg-session.md",
        "remove session=",
    ),
    "missing id": FaultPage(
        [Block("", "print(1)", "1\n")], "docs/neg-missing-id.md", "needs a unique id"
    ),
}
#: Pages that must pass: the tolerance forgives what differs between CPUs.
CONTROLS: dict[str, list[Block]] = {
    "float jitter": [
        Block(
            "pos-float-jitter",
            "import torch\nprint(torch.tensor([0.1234, 2.5]))",
            "tensor([0.1235, 2.4999])\n",
        )
    ],
    "figure noise": [
        Block(
            "pos-figure-noise",
            f"print({_svg('M 0 0 L 10 10')!r})",
            "[svg: pos-figure-noise/pos-figure-noise.svg]\n",
            'html="1"',
        )
    ],
}
_FIGURES = {
    "neg-figure-drift": _svg("M 0 0 L 10 13"),
    "pos-figure-noise": _svg("M 0 0 L 10.0001 9.9999"),
}


def _slug(name: str) -> str:
    return ("pos-" if name in CONTROLS else "neg-") + name.replace(" ", "-")


def _write_page(project: Path, name: str, blocks: list[Block]) -> None:
    """The page (blocks start on line 5 + ...) and its snapshot, with the blocks' snapshots."""
    page = f"{_slug(name)}.md"
    fences = ""
    for block in blocks:
        options = " ".join(filter(None, [f'id="{block.id}"' if block.id else "", block.options]))
        fences += f'```python exec="on" result="text" {options}\n{block.code}\n```\n\n'
    (project / "docs" / page).write_text(
        f"# {name}\n\nA page with a fault.\n\n{fences}", encoding="utf-8"
    )
    entries = {
        b.id: snapshots.Recorded(b.snapshot) for b in blocks if b.id and b.snapshot is not None
    }
    snapshots.dump(page, entries, project / "tests" / "snapshots")
    for block in blocks:
        if block.id in _FIGURES:
            figure = project / "tests" / "snapshots" / _slug(name) / f"{block.id}.svg"
            figure.parent.mkdir(parents=True, exist_ok=True)
            figure.write_text(_FIGURES[block.id], encoding="utf-8")


@recipe("collector_run", deferrable=True)
def _run_the_collector_on_faulty_pages(workdir: Path) -> Command:
    """A pytest run over a copy of the project with one faulty page per fault."""
    project = copy_project(workdir / "project")
    for name, fault in FAULTS.items():
        _write_page(project, name, fault.blocks)
    for name, blocks in CONTROLS.items():
        _write_page(project, name, blocks)
    pages = [f"docs/{_slug(name)}.md" for name in [*FAULTS, *CONTROLS]]
    return Command(
        [
            sys.executable,
            "-m",
            "pytest",
            "docs/index.md",
            *pages,
            "-q",
            "-p",
            "no:cacheprovider",
            "--continue-on-collection-errors",
            f"--junitxml={workdir / 'report.xml'}",
            "-o",
            f"layerref_block_timeout={BLOCK_TIMEOUT}",
            "-o",
            "layerref_warm_up=false",
        ],
        project,
        {**os.environ, "PYTHONPATH": str(project)},
        timeout=300,  # a hang the limit misses must fail here, not stall the whole suite
    )


@dataclass(frozen=True)
class Outcome:
    page: str
    item: str
    failure: str
    """The failure or error text, ``""`` for a pass."""
    seconds: float


@pytest.fixture(scope="module")
def collector_run(jobs) -> dict[str, list[Outcome]]:
    """The outcome of every item of the negative run, by page (``docs/<page>.md``)."""
    result = jobs.result("collector_run")
    report = jobs.workdir("collector_run") / "report.xml"
    assert report.is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    by_page: dict[str, list[Outcome]] = {}
    for case in ET.parse(report).iter("testcase"):
        problem = case.find("failure")
        problem = case.find("error") if problem is None else problem
        text = "" if problem is None else f"{problem.get('message', '')}\n{problem.text or ''}"
        # An item: classname "docs.<page>.md", name "<id>"; a page that fails to collect:
        # no classname, name "docs.<page>.md" (the item is then the page's path).
        classname, name = case.get("classname", ""), case.get("name", "")
        page = "docs/" + (classname or name).removeprefix("docs.")
        item = name if classname else page
        by_page.setdefault(page, []).append(Outcome(page, item, text, float(case.get("time", 0))))
    return by_page


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_collector_rejects_each_fault_for_its_own_reason(collector_run, name: str):
    fault, page = FAULTS[name], f"docs/{_slug(name)}.md"
    outcomes = collector_run.get(page, [])
    failed = {o.item: o for o in outcomes if o.failure}
    assert list(failed) == [fault.fails], (
        f"{page}: failed items {list(failed)}, wanted [{fault.fails}]"
    )
    for expected in [fault.message, *fault.extra]:
        assert expected in failed[fault.fails].failure, failed[fault.fails].failure[-3000:]


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_collector_accepts_what_differs_only_between_cpus(collector_run, name: str):
    outcomes = collector_run.get(f"docs/{_slug(name)}.md", [])
    assert outcomes and [o.failure for o in outcomes if o.failure] == []


def test_a_block_that_never_returns_is_stopped_within_about_its_limit(collector_run):
    hang = next(o for o in collector_run["docs/neg-hang.md"] if o.item == "neg-hang")
    assert hang.failure and hang.seconds < BLOCK_TIMEOUT + 4, hang.seconds
