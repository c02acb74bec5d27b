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


def test_a_chinese_block_highlights_as_the_english_one_with_its_comments_swapped(monkeypatch):
    """The build highlights a Chinese block by swapping its comments into the English
    block's HTML (`docsite.i18n.swap_comments`): for every block of every page, that HTML
    is the one highlighting the Chinese code gives, or the swap declines."""
    import markdown
    from pymdownx.highlight import Highlight

    from docsite.blocks import english_pages, iter_blocks
    from docsite.i18n import swap_comments
    from docsite.translations import translation_path

    plain = getattr(Highlight.highlight, "__wrapped__", Highlight.highlight)
    monkeypatch.setattr(Highlight, "highlight", plain)  # no memo: the real highlighting
    md = markdown.Markdown(extensions=["pymdownx.highlight", "pymdownx.superfences"])

    def highlighted(code: str) -> str:
        return md.reset().convert(f"```python\n{code}\n```")

    swapped = declined = 0
    for page in english_pages(DOCS_DIR):
        chinese = translation_path(page).read_text(encoding="utf-8")
        pairs = zip(
            iter_blocks(page.read_text(encoding="utf-8"), ""),
            iter_blocks(chinese, ""),
            strict=True,
        )
        for english, translated in pairs:
            if english.code == translated.code:
                continue
            html = swap_comments(english.code, highlighted(english.code), translated.code)
            if html is None:
                declined += 1
            else:
                assert html == highlighted(translated.code), (page.name, english.id)
                swapped += 1
    assert swapped > 300 and declined < swapped / 10, (swapped, declined)
