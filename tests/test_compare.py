"""The snapshot comparison forgives float noise and nothing else (docsite.compare).

Every case runs over the real snapshots: each printed number and each figure of the site.
"""

from __future__ import annotations

import base64
import io
import re
from decimal import Decimal

import pytest

from docsite import compare, snapshots
from docsite.blocks import executed_blocks
from docsite.coverage import DOCS_DIR


def _entries() -> list[snapshots.Recorded]:
    pages = sorted({block.page for block in executed_blocks(DOCS_DIR)})
    return [entry for page in pages for entry in snapshots.load(page).values()]


ENTRIES = _entries()
FIGURES = {name: svg for entry in ENTRIES for name, svg in entry.figures.items()}
_FLOAT = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")


def _shift(token: str, units: int) -> str:
    """``token`` moved by ``units`` in its last printed digit, printed the same way."""
    mantissa, e, _ = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    moved = Decimal(mantissa) + Decimal(units).scaleb(-decimals)
    return f"{moved:.{decimals}f}" + (token[len(mantissa) :] if e else "")


def _scale(token: str, factor: float) -> str:
    mantissa, e, _ = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return f"{float(mantissa) * factor:.{decimals}f}" + (token[len(mantissa) :] if e else "")


def test_the_snapshots_hold_numbers_and_figures():
    """The cases below have material: thousands of printed floats, every figure."""
    assert sum(len(_FLOAT.findall(entry.text)) for entry in ENTRIES) > 800
    assert len(FIGURES) >= 16


def test_a_last_digit_jitter_of_every_number_matches():
    """Every number of more than ten units in its last digit (0.0040 has 40; 0.5 only 5)."""
    jittered_numbers = 0

    def jitter(match: re.Match[str]) -> str:
        nonlocal jittered_numbers
        if abs(float(match[0])) <= 10 * compare.Token(match[0], True).unit():
            return match[0]
        jittered_numbers += 1
        return _shift(match[0], 1 if jittered_numbers % 2 else -1)

    for entry in ENTRIES:
        jittered = _FLOAT.sub(jitter, entry.text)
        assert compare.text_differences(entry.text, jittered) == [], entry.text[:200]
    assert jittered_numbers > 500


def test_a_one_unit_change_of_a_one_digit_number_fails():
    assert compare.text_differences("x <= 0.5", "x <= 0.6")
    assert compare.text_differences("lr 0.0010", "lr 0.0011")


def test_a_one_percent_change_of_a_four_digit_number_fails():
    changed = 0
    for entry in ENTRIES:
        for match in _FLOAT.finditer(entry.text):
            digits = match[0].lower().partition("e")[0].lstrip("-+").replace(".", "").lstrip("0")
            if len(digits) < 4:
                continue
            moved = entry.text[: match.start()] + _scale(match[0], 1.01) + entry.text[match.end() :]
            assert compare.text_differences(entry.text, moved), (match[0], entry.text[:200])
            changed += 1
    assert changed > 500


def test_a_ten_percent_change_of_any_number_fails():
    for entry in ENTRIES:
        for match in _FLOAT.finditer(entry.text):
            if float(match[0]) == 0:
                continue
            printed = _scale(match[0], 1.1)
            # As printed, the move may round below 10 % (-0.011 * 1.1 prints as -0.012).
            if abs(float(printed) - float(match[0])) >= 0.1 * abs(float(match[0])):
                moved = entry.text[: match.start()] + printed + entry.text[match.end() :]
                assert compare.text_differences(entry.text, moved), (match[0], entry.text[:200])


@pytest.mark.parametrize(
    "before, after",
    [
        ("torch.Size([2, 3, 8, 8])", "torch.Size([2, 3, 8, 9])"),
        ("dtype=torch.float32", "dtype=torch.float64"),
        ("parameters: 448", "parameters: 449"),
        ("requires_grad=True", "requires_grad=False"),
        ("tensor([1., 2.])", "tensor([1., 2., 3.])"),
        ("tensor([1., 2.])", "tensor([2., 2.])"),
        ("torch 2.13.0", "torch 2.13.1"),
        ("nan", "0.0000"),
        ("-0.5000", "0.5000"),
    ],
)
def test_a_changed_word_shape_integer_or_sign_fails(before, after):
    assert compare.text_differences(before, after)


def test_spacing_and_negative_zero_do_not_count():
    assert (
        compare.text_differences("tensor([ 0.0000, -1.5000])", "tensor([-0.0000, -1.5000])") == []
    )
    assert compare.text_differences("a  b\nc", "a b c") == []


def _move_numbers(svg: str, attribute: str, by: float, only_first: bool = False) -> str:
    """Move every number of every ``attribute="..."`` (or of the first one) by ``by``."""
    pattern = re.compile(rf'(\s{attribute}=")([^"]*)(")')
    numbers = re.compile(r"-?\d+(?:\.\d+)?")

    def move(match: re.Match[str]) -> str:
        values = numbers.sub(lambda n: f"{float(n[0]) + by:.6f}", match[2])
        return match[1] + values + match[3]

    return pattern.sub(move, svg, count=1 if only_first else 0)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_float_noise_in_a_figure_matches(name):
    svg = FIGURES[name]
    noisy = _move_numbers(_move_numbers(svg, "d", 0.001), "x", -0.001)
    assert noisy != svg
    assert compare.figure_differences(svg, noisy) == []


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_a_figure_moved_by_a_few_pixels_fails(name):
    svg = FIGURES[name]
    moved = _move_numbers(svg, "d", 2.0, only_first=True)  # 2 figure units, about 2.7 px
    assert moved != svg
    found = compare.figure_differences(svg, moved)
    assert found and "moved by 2 figure units" in found[0], found


def test_a_curve_drawn_with_other_vertices_matches_when_it_is_the_same_curve():
    line = '<svg xmlns="http://www.w3.org/2000/svg"><path d="{}"/></svg>'
    assert (
        compare.figure_differences(line.format("M 0 0 L 5 5 L 10 10"), line.format("M 0 0 L 10 10"))
        == []
    )
    assert compare.figure_differences(
        line.format("M 0 0 L 5 8 L 10 10"), line.format("M 0 0 L 10 10")
    )


def test_a_changed_label_or_colour_fails():
    name = next(n for n in sorted(FIGURES) if "<text" in FIGURES[n])
    svg = FIGURES[name]
    relabelled = re.sub(r"(<text[^>]*>)([^<]+)(</text>)", r"\1\2x\3", svg, count=1)
    assert compare.figure_differences(svg, relabelled)
    recoloured = re.sub(r"stroke: #[0-9a-f]{6}", "stroke: #123456", svg, count=1)
    assert recoloured != svg and compare.figure_differences(svg, recoloured)


def test_hashed_ids_are_compared_by_position():
    name = next(n for n in sorted(FIGURES) if 'id="' in FIGURES[n] and "url(#" in FIGURES[n])
    svg = FIGURES[name]
    renamed = re.sub(r'(id="|url\(#|href="#)([^")]+)', lambda m: m[1] + "z" + m[2], svg)
    assert compare.figure_differences(svg, renamed) == []


def _png(pixels: list[int]) -> str:
    from PIL import Image

    image = Image.new("RGB", (len(pixels), 1))
    image.putdata([(p, p, p) for p in pixels])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_an_embedded_image_matches_within_a_few_levels_and_no_more():
    figure = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<image xlink:href="{}"/></svg>'
    )
    base = figure.format(_png([10, 100, 200]))
    assert compare.figure_differences(base, figure.format(_png([12, 100, 199]))) == []
    assert compare.figure_differences(base, figure.format(_png([10, 140, 200])))
    assert compare.figure_differences(base, figure.format(_png([10, 100])))


def test_every_real_embedded_image_is_checked():
    """The heatmaps' PNGs decode (a broken decoder would make every image 'differ')."""
    names = [n for n in FIGURES if "data:image/png;base64," in FIGURES[n]]
    assert names
    for name in names:
        assert compare.figure_differences(FIGURES[name], FIGURES[name]) == []
