"""How overlay features are drawn, on the web map and on static maps: one style per status category.

Status stays readable without colour: lines differ by dash pattern, markers by outline (solid, dashed, dotted) and
fill (open and under construction filled, planned and proposed hollow), and the two groups by marker shape
(transport: circle; growth location: square).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping


@dataclasses.dataclass(frozen=True)
class StatusStyle:
    """How one status category is drawn. ``colour`` only repeats what dash and fill already say."""

    colour: str
    line_dash: str | None
    outline_dash: str | None
    fill_opacity: float
    hollow: bool


# Okabe-Ito colours (colour-blind safe); dash patterns carry the meaning on their own.
STATUS_STYLES: Mapping[str, StatusStyle] = {
    "open": StatusStyle("#0072B2", None, None, 0.9, False),
    "under construction": StatusStyle("#D55E00", "12 6", "5 3", 0.45, False),
    "planned": StatusStyle("#009E73", "5 6", None, 0.0, True),
    "proposed": StatusStyle("#CC79A7", "1 7", "1 4", 0.0, True),
    "unclassified": StatusStyle("#555555", "10 5 2 5", "6 3 1 3", 0.0, True),
}
MARKER_SHAPES: Mapping[str, str] = {"growth_locations": "square", "transport_schemes": "circle"}
HOLLOW_FILL = "#ffffff"
LINE_WEIGHT = 4
MARKER_RADIUS = 7
SQUARE_SIZE = 16


ZONE_WEIGHT = 2.5
