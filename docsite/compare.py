"""Compare what a block prints with its snapshot, knowing that floats differ between CPUs.

Two machines (or two of torch's CPU kernel sets) can print the last digit of a float
differently: `erf`, `exp` and vectorised reductions round differently. The snapshots
therefore compare numbers with a tolerance, and everything else exactly:

- **Printed text** is compared token by token. Words, punctuation, integers, shapes
  and dtypes must be equal. A number with a decimal point or an exponent may differ
  by one unit in its last printed digit, or by 1e-4 of its size, whichever is larger
  (``-0.0040`` and ``-0.0041`` match; ``1.234`` and ``1.246`` do not), but never by
  10 % of the snapshot's number or more (``0.5`` and ``0.6`` do not match). A float with
  no digits after the point (``3.``, as torch prints integral values) gets only the
  relative tolerance. The amount of whitespace between tokens does not matter.
- **Figures** (inline SVG) are compared element by element: the same elements, in the
  same order, with the same attributes. Coordinates (``d``, ``x``, ``y``,
  ``transform``, ...) may move by at most `FIGURE_TOLERANCE` figure units, well under
  a pixel at the figure's size; a line whose vertices differ in number is compared as
  a curve (the farthest distance of a vertex of either from the other). Embedded
  raster images (``imshow``) must have the same size and differ by at most
  `PIXEL_TOLERANCE` in any colour channel. Element ids are compared by their order of
  appearance, not their (hashed) names. Text in the figure follows the text rule.

Every function returns the list of differences it found, worded for a failure message;
an empty list means the two match.
"""

from __future__ import annotations

import base64
import io
import itertools
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

#: Largest distance, in figure units (pt: about 1.33 px at the figure's size), a drawn
#: point may move and still match.
FIGURE_TOLERANCE = 0.5
#: Largest difference in any colour channel (of 255) of an embedded raster image.
PIXEL_TOLERANCE = 8
#: Relative tolerance of any printed float.
RELATIVE_TOLERANCE = 1e-4
#: No printed float may move by this fraction of itself, even by one unit of its last digit.
MAX_RELATIVE_CHANGE = 0.1

# A version or address (2.13.0, 127.0.0.1) is a word, not a number; a hex colour too.
_TOKEN = re.compile(
    r"(?P<word>\d+(?:\.\d+){2,}|#[0-9A-Fa-f]{3,8}\b|[A-Za-z_]\w*)"
    r"|(?P<number>[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)"
    r"|(?P<symbol>\S)"
)


@dataclass(frozen=True)
class Token:
    """A word, a number or a symbol of printed text."""

    text: str
    is_number: bool = False

    @property
    def is_float(self) -> bool:
        return self.is_number and any(c in self.text for c in ".eE")

    def unit(self) -> float:
        """One unit in the last printed digit of a float (0 when it has no digits after the point).

        Examples:
            >>> [Token(text, True).unit() for text in ("-0.0040", "1.5e-05", "3.")]
            [0.0001, 1e-06, 0.0]
        """
        mantissa, _, exponent = self.text.lower().partition("e")
        decimals = len(mantissa.partition(".")[2])
        if decimals == 0 and "." in mantissa:
            return 0.0
        return 10.0 ** (int(exponent or 0) - decimals)


def tokens(text: str) -> list[Token]:
    """Split printed text into words, numbers and symbols; whitespace only separates.

    Examples:
        >>> [t.text for t in tokens("tensor([-0.0040, 1.])  torch.float32 2.13.0")]
        ['tensor', '(', '[', '-0.0040', ',', '1.', ']', ')', 'torch', '.', 'float32', '2.13.0']
    """
    return [Token(m[0], m["number"] is not None) for m in _TOKEN.finditer(text)]


def numbers_match(expected: Token, actual: Token) -> bool:
    """Whether two number tokens are equal under the text rule (floats: within tolerance).

    Examples:
        >>> numbers_match(Token("-0.0040", True), Token("-0.0041", True))
        True
        >>> numbers_match(Token("1.234", True), Token("1.246", True))
        False
        >>> numbers_match(Token("3", True), Token("4", True))
        False
    """
    if not (expected.is_float and actual.is_float):
        return expected.text == actual.text
    a, b = float(expected.text), float(actual.text)
    if math.isclose(a, b, rel_tol=0.0, abs_tol=0.0):
        return True
    tolerance = max(expected.unit(), actual.unit(), RELATIVE_TOLERANCE * max(abs(a), abs(b)))
    # A hair over one unit is still one unit: 0.0041 - 0.0040 is 1.0000000000000005e-04.
    within = abs(a - b) <= tolerance * (1 + 1e-9)
    # One unit of a one-digit number (0.5 -> 0.6) is no rounding noise a reader would forgive.
    return within and abs(a - b) < MAX_RELATIVE_CHANGE * abs(a)


def text_differences(expected: str, actual: str, limit: int = 5) -> list[str]:
    """Where ``actual`` differs from ``expected`` under the text rule (at most ``limit``).

    Examples:
        >>> text_differences("mean 0.0040, shape (2, 3)", "mean   0.0041, shape (2, 3)")
        []
        >>> print(*text_differences("mean 0.0040", "mean 0.0044"))  # doctest: +ELLIPSIS
        0.0040 became 0.0044 (more than one unit in the last printed digit or ...)
        >>> text_differences("shape (2, 3)", "shape (2, 4)")
        ['3 became 4 (integers, words and symbols must be equal)']
    """
    want, got = tokens(expected), tokens(actual)
    differences = []
    for a, b in zip(want, got, strict=False):
        if a.is_number and b.is_number and a.is_float and b.is_float:
            if not numbers_match(a, b):
                differences.append(
                    f"{a.text} became {b.text} (more than one unit in the last "
                    f"printed digit or 1e-4 relative, or 10 % or more)"
                )
        elif a != b:
            differences.append(
                f"{a.text} became {b.text} (integers, words and symbols must be equal)"
            )
        if len(differences) >= limit:
            return differences
    if len(want) != len(got):
        longer, name = (want, "snapshot") if len(want) > len(got) else (got, "output")
        extra = " ".join(t.text for t in longer[min(len(want), len(got)) :][:8])
        differences.append(f"the {name} goes on: {extra} ...")
    return differences


# --- figures ---

_GEOMETRY = {
    "d",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "width",
    "height",
    "transform",
    "points",
    "viewBox",
}
_XLINK = "{http://www.w3.org/1999/xlink}href"
_ID_REFERENCE = re.compile(r"#([^\s\"')]+)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def figure_differences(expected: str, actual: str, limit: int = 5) -> list[str]:
    """Where figure ``actual`` differs visibly from ``expected`` (two SVG documents).

    Examples:
        >>> line = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M 0 0 L 10 {y}"/></svg>'
        >>> figure_differences(line.format(y=5), line.format(y=5.00001))
        []
        >>> figure_differences(line.format(y=5), line.format(y=8))
        ['svg/path[1] d: a point moved by 3 figure units (tolerance 0.5)']
    """
    try:
        want, got = ET.fromstring(expected), ET.fromstring(actual)
    except ET.ParseError as error:
        return [f"not a well-formed SVG: {error}"]
    differences: list[str] = []
    _compare_elements(want, got, _id_order(want), _id_order(got), "svg", differences)
    return differences[:limit]


def _id_order(root: ET.Element) -> dict[str, int]:
    """Each element id -> its position among the ids (hashed names differ when contents do)."""
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    return {name: index for index, name in enumerate(ids)}


def _compare_elements(
    want: ET.Element,
    got: ET.Element,
    want_ids: dict[str, int],
    got_ids: dict[str, int],
    where: str,
    differences: list[str],
) -> None:
    if want.tag != got.tag:
        differences.append(f"{where}: a {_local(got.tag)} element instead of {_local(want.tag)}")
        return
    if set(want.attrib) != set(got.attrib):
        differences.append(
            f"{where}: attributes {sorted(got.attrib)} instead of {sorted(want.attrib)}"
        )
        return
    for name, value in want.attrib.items():
        problem = _attribute_difference(
            _local(name) if name != _XLINK else "href", value, got.attrib[name], want_ids, got_ids
        )
        if problem:
            differences.append(f"{where} {_local(name)}: {problem}")
    for text_a, text_b in ((want.text, got.text), (want.tail, got.tail)):
        for difference in text_differences((text_a or "").strip(), (text_b or "").strip()):
            differences.append(f"{where} text: {difference}")
    children_a, children_b = list(want), list(got)
    if len(children_a) != len(children_b):
        differences.append(
            f"{where}: {len(children_b)} child elements instead of {len(children_a)}"
        )
        return
    counts: dict[str, int] = {}
    for child_a, child_b in zip(children_a, children_b, strict=True):
        tag = _local(child_a.tag)
        counts[tag] = counts.get(tag, 0) + 1
        _compare_elements(
            child_a, child_b, want_ids, got_ids, f"{where}/{tag}[{counts[tag]}]", differences
        )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute_difference(
    name: str, want: str, got: str, want_ids: dict[str, int], got_ids: dict[str, int]
) -> str:
    """Why two values of attribute ``name`` differ visibly, or ``""``."""
    if name == "id":
        return "" if want_ids.get(want) == got_ids.get(got) else f"{got} is not in {want}'s place"
    if name == "href" and want.startswith("data:image/png;base64,"):
        return _image_difference(want, got)
    if name in _GEOMETRY:
        return _geometry_difference(want, got)

    # Other attributes (style, clip-path, href="#id") follow the text rule, ids by position.
    def numbered(ids: dict[str, int]):
        return lambda m: f"#id{ids[m[1]]}" if m[1] in ids else m[0]

    want = _ID_REFERENCE.sub(numbered(want_ids), want)
    got = _ID_REFERENCE.sub(numbered(got_ids), got)
    return "; ".join(text_differences(want, got))


def _geometry_difference(want: str, got: str) -> str:
    """How far coordinates moved, if more than the tolerance (``""`` otherwise)."""
    words_a, words_b = _NUMBER.split(want), _NUMBER.split(got)
    a = [float(n) for n in _NUMBER.findall(want)]
    b = [float(n) for n in _NUMBER.findall(got)]
    if words_a == words_b:
        moved = max((abs(x - y) for x, y in zip(a, b, strict=True)), default=0.0)
    elif len(a) % 2 == 0 and len(b) % 2 == 0 and a and b:
        # Same curve, other vertices (matplotlib drops points it deems invisible).
        moved = _curve_distance(
            list(zip(a[::2], a[1::2], strict=True)), list(zip(b[::2], b[1::2], strict=True))
        )
    else:
        return f"{got[:60]!r} instead of {want[:60]!r}"
    if moved <= FIGURE_TOLERANCE:
        return ""
    return f"a point moved by {moved:.3g} figure units (tolerance {FIGURE_TOLERANCE:g})"


def _curve_distance(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    """The farthest any vertex of one polyline lies from the other polyline."""

    def farthest(points: list[tuple[float, float]], line: list[tuple[float, float]]) -> float:
        segments = list(itertools.pairwise(line)) or [(line[0], line[0])]
        return max(min(_segment_distance(p, s, e) for s, e in segments) for p in points)

    return max(farthest(a, b), farthest(b, a))


def _segment_distance(
    p: tuple[float, float], s: tuple[float, float], e: tuple[float, float]
) -> float:
    (px, py), (sx, sy), (ex, ey) = p, s, e
    dx, dy = ex - sx, ey - sy
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - sx) * dx + (py - sy) * dy) / length))
    return math.hypot(px - (sx + t * dx), py - (sy + t * dy))


def _image_difference(want: str, got: str) -> str:
    """How two embedded PNG images differ, if visibly (``""`` otherwise)."""
    if want == got:
        return ""
    from PIL import Image, ImageChops

    def decode(uri: str) -> Image.Image:
        return Image.open(io.BytesIO(base64.b64decode(uri.partition(",")[2]))).convert("RGBA")

    a, b = decode(want), decode(got)
    if a.size != b.size:
        return f"an image of {b.size[0]}x{b.size[1]} pixels instead of {a.size[0]}x{a.size[1]}"
    largest = max(high for _, high in ImageChops.difference(a, b).getextrema())
    if largest <= PIXEL_TOLERANCE:
        return ""
    return f"image pixels differ by up to {largest} of 255 (tolerance {PIXEL_TOLERANCE})"
