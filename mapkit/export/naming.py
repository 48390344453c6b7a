"""File names of exports: ``<region code>_<region name>_<indicator>_<level>``, shared by every format and the ZIP.

Its own module so that :mod:`mapkit.export.formats` (the table of formats) and :mod:`mapkit.export.pack` (the ZIP's
entries) both use it without importing each other.
"""

from __future__ import annotations

import re
import unicodedata

from mapkit.data.products import region_name
from mapkit.analysis.map_data import MapData


def file_stem(data: MapData) -> str:
    """``<region code>_<region name>_<indicator>_<level>``, e.g. ``E47000007_west-midlands_imd_score_ward``; a
    bivariate map adds ``_vs_<second indicator>`` after the indicator, a hex map ends in ``_hex``."""
    view = data.view
    versus = f"_vs_{data.versus.y.view.indicator}" if data.versus is not None else ""
    hexed = "_hex" if view.layout == "hex" else ""
    return f"{view.region}_{slug(data.region_name)}_{view.indicator}{versus}_{view.level}{hexed}"


def table_file_name(indicator: str, level: str, region: str) -> str:
    """The ranked table's CSV download, named like every export: ``<region>_<name>_<indicator>_<level>.csv``."""
    return f"{region}_{slug(region_name(region))}_{indicator}_{level}.csv"


def slug(text: str) -> str:
    """A file-name-safe form: "West Midlands" -> "west-midlands"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "map"
