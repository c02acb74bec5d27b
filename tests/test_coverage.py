"""The API inventory, the coverage gate, and the check that names on the site are real."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import torch
from torch import nn

from docsite import coverage as cov
from docsite.blocks import iter_blocks
from docsite.inventory import GATED_AREAS, api_inventory, is_deprecated
from docsite.names import check_page

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def found():
    return cov.coverage(DOCS)


# --- the inventory ---------------------------------------------------------------


def test_inventory_holds_the_public_api_and_not_imports():
    inv = api_inventory()
    assert {"torch.nn.Conv2d", "torch.nn.Module", "torch.nn.LSTM"} <= set(inv["torch.nn modules"])
    functional = set(inv["torch.nn.functional"])
    assert {
        "torch.nn.functional.relu",
        "torch.nn.functional.conv2d",  # bindings of torch._C too
        "torch.nn.functional.scaled_dot_product_attention",
    } <= functional
    imported = {
        "torch.nn.functional.torch",
        "torch.nn.functional.math",
        "torch.nn.functional.Tensor",
        "torch.nn.functional.Optional",
        "torch.nn.functional.handle_torch_function",
        "torch.nn.functional.has_torch_function",
        "torch.nn.functional.boolean_dispatch",
        "torch.nn.functional.reproducibility_notes",
        "torch.nn.functional.BroadcastingList2",
    }
    assert not imported & functional
    assert "torch.nn.init.xavier_uniform_" in inv["torch.nn.init"]
    assert "torch.nn.utils.rnn.pack_padded_sequence" in inv["torch.nn.utils.rnn"]
    assert "torch.nn.attention.sdpa_kernel" in inv["torch.nn.attention"]


def test_inventory_is_computed_from_torch():
    classes = [
        n
        for n in dir(nn)
        if not n.startswith("_")
        and isinstance(getattr(nn, n), type)
        and issubclass(getattr(nn, n), nn.Module)
    ]
    assert len(api_inventory()["torch.nn modules"]) == len(classes) > 150


# --- the gate --------------------------------------------------------------------


def test_every_module_and_functional_name_is_executed(found):
    excluded = cov.exclusions()
    missing = [name for name in cov.uncovered(found, GATED_AREAS) if name not in excluded]
    assert missing == [], f"{len(missing)} names have no executed example: {missing}"


def test_exclusion_list_is_honest(found):
    gated = {name for area in GATED_AREAS for name in api_inventory()[area]}
    for name, reason in cov.exclusions().items():
        assert name in gated, f"excluded name {name!r} is not in the gated inventory"
        assert len(reason) > 10, f"{name!r} needs a reason"
        assert not found[name], f"{name!r} is executed now: remove it from the exclusion list"


def test_gate_fails_when_an_example_is_removed(found, tmp_path):
    """Negative test: switch off the blocks that execute one name, and the gate reports it."""
    name, page = next(
        (name, sections[0].page)
        for name, sections in found.items()
        if name.startswith("torch.nn.") and len({s.page for s in sections}) == 1
    )
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    path = docs / page
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for block in iter_blocks(text, page):
        if block.executed and name in cov.names_used(block.code):
            fence = block.line - 2  # the fence line, 0-based
            lines[fence] = lines[fence].replace('exec="on"', 'exec="off"')
    path.write_text("".join(lines), encoding="utf-8")
    assert name in cov.uncovered(cov.coverage(docs), list(api_inventory()))


def test_sections_link_to_real_anchors(found):
    """Each section a name links to exists on its page (the strict build checks the links too)."""
    for sections in found.values():
        for section in sections:
            assert (DOCS / section.page).is_file()
            assert section.anchor == "" or re.fullmatch(r"[\w-]+", section.anchor)


# --- names on the site are real --------------------------------------------------


def test_every_torch_name_on_the_site_exists_and_deprecations_are_said():
    problems = [
        str(p)
        for page in sorted(DOCS.rglob("*.md"))
        for p in check_page(page.read_text(encoding="utf-8"), page.name)
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## Conv\nUse `nn.Conv4d`.", "torch.nn.Conv4d: does not exist"),
        ("## Act\n```python\nF.hardwish(x)\n```", "torch.nn.functional.hardwish: does not exist"),
        ("## Init\n`nn.init.xavier_unifrom_`", "torch.nn.init.xavier_unifrom_: does not exist"),
        ("## Up\nCall `F.upsample(x, 2)`.", "torch.nn.functional.upsample: deprecated"),
        ("## Utils\n`torch.nn.utils.clip_grad_norm`", "torch.nn.utils.clip_grad_norm: deprecated"),
    ],
)
def test_name_check_fails_on_wrong_names(text, expected):
    problems = [str(p) for p in check_page(text, "p.md")]
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    "text",
    [
        "## Up\n`F.upsample` is deprecated: use `F.interpolate`.",
        "## Notes\nThe notes write `F.hardwish`, which does not exist: it is `F.hardswish`.",
        "## Linear\n`nn.Linear.weight` is an instance attribute.",
        "## Code\n```python\nprint('F.relu')\nmodel.nn.Conv4d\n```",
        "## 上采样\n`F.upsample` 已弃用：请用 `F.interpolate`。",
        "## 笔记\n笔记写的 `F.hardwish` 不存在，应为 `F.hardswish`。",
    ],
)
def test_name_check_accepts_right_uses(text):
    assert check_page(text, "p.md") == []


def test_name_check_exemption_stays_in_its_paragraph():
    """A paragraph that says a name does not exist excuses its own names, not its neighbours'."""
    text = (
        "## Conv\n\nThe notes write `nn.Conv4d`.\n\n"
        "Elsewhere `nn.Conv5d` does not exist, nor does `F.hardwish`.\n"
    )
    problems = [str(p) for p in check_page(text, "p.md")]
    assert problems == ["p.md:3: torch.nn.Conv4d: does not exist in the installed torch"]


def test_deprecation_detection():
    assert is_deprecated("torch.nn.init.uniform") and not is_deprecated("torch.nn.init.uniform_")
    assert not is_deprecated("torch.nn.functional.mse_loss")  # only its size_average argument is
    assert torch.__version__  # the check runs against the installed torch
