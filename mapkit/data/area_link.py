"""A user's own area written compactly for a link: a list of ward or LSOA codes, or an outline.

A token uses only characters that need no escaping in a URL (``A-Z a-z 0-9 - _ . ~``) and starts with its kind:

* ``w`` or ``l`` then the codes of wards (``E05``) or LSOAs (``E01``): the six digits of each code, sorted, as
  differences from the previous one, each a variable-length number of 5-bit groups (the grouping of Google's
  encoded polyline, written in the URL-safe base64 alphabet). 23 neighbouring wards take about 30 characters.
* ``s`` then an outline: polygons separated by ``~``, the rings of a polygon (outer first) by ``.``; each ring's
  vertices (not repeating the first) as latitude and longitude in units of :data:`PRECISION` degrees (about a
  metre), the first absolute and the rest as differences, sign folded into the lowest bit.

Decoding checks everything and raises :class:`~mapkit.errors.ParameterError` with a plain message; it never
builds more than :data:`MAX_TOKEN_CHARS` characters' worth of numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from mapkit.errors import ParameterError

__all__ = ["CODE_KINDS", "MAX_TOKEN_CHARS", "PRECISION", "decode_codes", "decode_rings", "encode_codes",
           "encode_rings", "token_kind"]

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
PRECISION = 1e-5
"""Degrees per unit of an encoded coordinate: 1.1 m of latitude, 0.7 m of longitude in England."""
MAX_TOKEN_CHARS = 4_200
"""Longest token read: 1,000 codes at worst (four characters each), or 200 vertices with room to spare."""
CODE_KINDS = {"w": "E05", "l": "E01"}
"""Token kind -> the code prefix it stands for (wards, LSOAs)."""
_SAFE = re.compile(r"[A-Za-z0-9_\-.~]*")


def _varint(value: int) -> str:
    """A non-negative whole number as 5-bit groups, lowest first, the 6th bit set on all but the last."""
    out = []
    while value >= 0x20:
        out.append(ALPHABET[0x20 | (value & 0x1F)])
        value >>= 5
    out.append(ALPHABET[value])
    return "".join(out)


def _varints(text: str, what: str) -> list[int]:
    values: list[int] = []
    value = shift = 0
    for ch in text:
        digit = _VALUE.get(ch)
        if digit is None:
            raise ParameterError(f"The {what} in the link holds a character it cannot: {ch!r}.")
        value |= (digit & 0x1F) << shift
        if digit & 0x20:
            shift += 5
            if shift > 35:
                raise ParameterError(f"The {what} in the link holds a number too large to be real.")
        else:
            values.append(value)
            value = shift = 0
    if shift:
        raise ParameterError(f"The {what} in the link is cut short.")
    return values


def _zigzag(value: int) -> int:
    return (value << 1) if value >= 0 else ((-value << 1) - 1)


def _unzigzag(value: int) -> int:
    return (value >> 1) if not value & 1 else -((value + 1) >> 1)


def _check_text(token: str, what: str) -> str:
    if not isinstance(token, str):
        raise ParameterError(f"The {what} in the link is not text.")
    token = token.strip()
    if len(token) > MAX_TOKEN_CHARS:
        raise ParameterError(f"The {what} in the link is {len(token):,} characters long; at most "
                             f"{MAX_TOKEN_CHARS:,} are read.")
    if not _SAFE.fullmatch(token):
        raise ParameterError(f"The {what} in the link holds characters it cannot.")
    return token


def token_kind(token: str) -> str:
    """``"w"``, ``"l"`` or ``"s"``: what a token holds (raises for anything else)."""
    token = _check_text(token, "area")
    if not token or token[0] not in (*CODE_KINDS, "s"):
        raise ParameterError("The area in the link is neither a list of codes nor an outline.")
    return token[0]


# --- codes ----------------------------------------------------------------------------------------------------------

def encode_codes(codes: Iterable[str]) -> str:
    """``w...`` for ward codes or ``l...`` for LSOA codes (all of one kind, each a prefix and six digits)."""
    codes = sorted(set(codes))
    if not codes:
        raise ParameterError("An area needs at least one code.")
    prefixes = {code[:3] for code in codes}
    kinds = [k for k, p in CODE_KINDS.items() if {p} == prefixes]
    if not kinds or not all(re.fullmatch(r"E0[15]\d{6}", code) for code in codes):
        raise ParameterError("A link holds ward codes (E05 and six digits) or LSOA codes (E01 and six digits), "
                             "one kind at a time.")
    numbers = [int(code[3:]) for code in codes]
    deltas = [numbers[0]] + [b - a for a, b in zip(numbers, numbers[1:])]
    return kinds[0] + "".join(_varint(d) for d in deltas)


def decode_codes(token: str) -> tuple[str, ...]:
    """The codes of a ``w``/``l`` token, sorted."""
    kind = token_kind(token)
    if kind not in CODE_KINDS:
        raise ParameterError("The area in the link is an outline, not a list of codes.")
    deltas = _varints(token.strip()[1:], "list of areas")
    if not deltas:
        raise ParameterError("The list of areas in the link is empty.")
    numbers, total = [], 0
    for delta in deltas:
        total += delta
        if total > 999_999:
            raise ParameterError("The list of areas in the link holds a code that cannot exist.")
        numbers.append(total)
    return tuple(f"{CODE_KINDS[kind]}{n:06d}" for n in dict.fromkeys(numbers))


# --- outlines -------------------------------------------------------------------------------------------------------

Ring = Sequence[tuple[float, float]]
"""(longitude, latitude) vertices, the first not repeated at the end."""


def encode_rings(polygons: Sequence[Sequence[Ring]]) -> str:
    """``s...`` for polygons given as rings of (longitude, latitude) vertices (outer ring first)."""
    parts = []
    for rings in polygons:
        encoded = []
        for ring in rings:
            text, last_lat, last_lng = [], 0, 0
            for lng, lat in ring:
                y, x = round(lat / PRECISION), round(lng / PRECISION)
                text.append(_varint(_zigzag(y - last_lat)) + _varint(_zigzag(x - last_lng)))
                last_lat, last_lng = y, x
            encoded.append("".join(text))
        parts.append(".".join(encoded))
    return "s" + "~".join(parts)


def decode_rings(token: str) -> list[list[list[tuple[float, float]]]]:
    """The polygons of an ``s`` token: ``[polygon][ring][(longitude, latitude)]``, rings not closed."""
    if token_kind(token) != "s":
        raise ParameterError("The area in the link is a list of codes, not an outline.")
    polygons = []
    for part in token.strip()[1:].split("~"):
        rings = []
        for ring_text in part.split("."):
            numbers = _varints(ring_text, "outline")
            if len(numbers) % 2 or len(numbers) < 6:
                raise ParameterError("The outline in the link has a ring with fewer than three corners, or is cut "
                                     "short.")
            lat = lng = 0
            ring = []
            for dy, dx in zip(numbers[0::2], numbers[1::2]):
                lat += _unzigzag(dy)
                lng += _unzigzag(dx)
                ring.append((lng * PRECISION, lat * PRECISION))
            rings.append(ring)
        polygons.append(rings)
    return polygons
