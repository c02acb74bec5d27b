"""The Chinese edition: every page translated, with the English page's examples and anchors."""

from __future__ import annotations

from docsite.translations import DOCS_DIR, check


def test_every_page_has_its_translation_with_the_same_examples_and_anchors():
    """Same block ids and code (comments aside), same headings and anchors, prose translated."""
    problems = check(DOCS_DIR)
    assert problems == {}, "\n".join(
        f"docs/{page}: {p}" for page, ps in problems.items() for p in ps
    )


def test_a_drifted_translation_is_reported(tmp_path):
    """Negative test: a changed example, a lost anchor and a missing page are each named."""
    (tmp_path / "a.md").write_text(
        "# A\n\nAn English paragraph long enough to be checked as prose by the test.\n\n"
        '## Conv { #conv }\n\n```python exec="on" id="a-x"\nprint(1)  # one\n```\n',
        encoding="utf-8",
    )
    (tmp_path / "a.zh.md").write_text(
        '# 甲\n\n一段中文。\n\n## 卷积\n\n```python exec="on" id="a-x"\nprint(2)  # 一\n```\n',
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text("# B\n", encoding="utf-8")
    problems = check(tmp_path)
    assert problems["b.zh.md"] == ["missing: every English page needs its translation"]
    assert any("block 'a-x'" in p for p in problems["a.zh.md"])
    assert any("headings" in p for p in problems["a.zh.md"])
