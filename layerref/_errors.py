"""Helpers that build the clear error messages `layerref` promises."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def unknown_name_error(kind: str, name: str, known: Iterable[str]) -> KeyError:
    """Return a `KeyError` for an unknown name that lists the closest known names.

    Args:
        kind: What the name refers to, e.g. ``"parameter"`` or ``"child module"``.
        name: The name that was not found.
        known: Every valid name.

    Returns:
        The exception, ready to raise.

    Examples:
        >>> err = unknown_name_error("parameter", "wieght", ["weight", "bias"])
        >>> print(err.args[0])
        unknown parameter 'wieght' (did you mean 'weight'?); known: 'bias', 'weight'
    """
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    listing = ", ".join(repr(k) for k in known[:20]) + (", ..." if len(known) > 20 else "")
    return KeyError(f"unknown {kind} {name!r}{hint}; known: {listing or '(none)'}")


def check_positive_int(name: str, value: object, *, allow_zero: bool = False) -> int:
    """Check that ``value`` is an ``int`` greater than zero (or ``>= 0``).

    Args:
        name: The argument's name, used in the message.
        value: The value to check.
        allow_zero: Accept ``0`` too.

    Returns:
        ``value`` unchanged.

    Raises:
        TypeError: ``value`` is not an ``int`` (``bool`` is rejected too).
        ValueError: ``value`` is out of range.

    Examples:
        >>> check_positive_int("in_features", 4)
        4
        >>> check_positive_int("in_features", 0)
        Traceback (most recent call last):
        ...
        ValueError: in_features must be a positive int, got 0
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    low_ok = value >= 0 if allow_zero else value > 0
    if not low_ok:
        what = "a non-negative int" if allow_zero else "a positive int"
        raise ValueError(f"{name} must be {what}, got {value}")
    return value
