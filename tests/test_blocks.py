"""The exec-block parser finds exactly the blocks markdown-exec runs."""

from docsite.blocks import executed_blocks, iter_blocks, parse_options
from docsite.coverage import DOCS_DIR
from docsite.snapshots import SNAPSHOT_DIR

PAGE = """# Page

## Section { #sec }

```python exec="on" source="above" result="text" id="a"
print(1)
```

```python
print("not executed")
```

```python exec="off" id="off"
print("off")
```

!!! note
    ```python exec="1" id="indented"
    x = 1
        y = 2
    ```

````markdown
```python exec="on" id="inside-markdown-fence"
```
````

~~~python exec="true" id="tilde"
print(3)
~~~
"""


def test_finds_executed_blocks_with_lines_and_dedent():
    blocks = list(iter_blocks(PAGE, "p.md"))
    executed = [(b.id, b.line) for b in blocks if b.executed]
    assert executed == [("a", 6), ("indented", 19), ("tilde", 29)]
    indented = next(b for b in blocks if b.id == "indented")
    assert indented.code == "x = 1\n    y = 2\n"
    assert indented.section == "Section { #sec }"


def test_not_executed_blocks():
    blocks = {b.id or b.code.strip(): b.executed for b in iter_blocks(PAGE, "p.md")}
    assert blocks['print("not executed")'] is False
    assert blocks["off"] is False
    assert "inside-markdown-fence" not in blocks


def test_parse_options_handles_quotes_and_braces():
    assert parse_options('{ exec="on" title="a b" }') == {"exec": "on", "title": "a b"}


def test_every_snapshot_file_belongs_to_a_page_with_blocks():
    """A page that loses its last block (or is split or renamed) leaves no stale snapshot."""
    pages = {block.page for block in executed_blocks(DOCS_DIR)}
    figure_folders = {page.removesuffix(".md") for page in pages}
    stale = sorted(
        path.relative_to(SNAPSHOT_DIR).as_posix()
        for path in SNAPSHOT_DIR.rglob("*")
        if path.relative_to(SNAPSHOT_DIR).as_posix() not in pages
        and path.relative_to(SNAPSHOT_DIR).as_posix().partition("/")[0] not in figure_folders
    )
    assert stale == [], f"delete these snapshots of pages without executed blocks: {stale}"
