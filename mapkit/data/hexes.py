"""Hex maps (data API): districts and wards as equal hexagons, with group outlines and label points.

At England scale the geographic map hides the cities (Birmingham's 69 wards together are smaller than many single
rural wards); on a hex map every area is one equal hexagon. Districts keep Open Innovations' HexJSON layout; ward
layouts are computed per combined authority and per district when the data are built (:mod:`mapkit.pipeline.hexmaps`
says how, and what the products hold).

The geometry is a layout, not geography: *display coordinates* in EPSG:4326 of hexagons that are regular in Web
Mercator, so a Leaflet map (with or without tiles) or a matplotlib figure in EPSG:3857 draws them regular. Frames
have ``code``, ``name`` and geometry in EPSG:4326, as :func:`mapkit.web.encode.encode_geometry` takes them. Every
drawing must carry :func:`hex_attribution`.
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from mapkit.data.products import ENGLAND, default_data_dir, region_kind
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.data.io import checked_product, read_product
from mapkit.specs.registry import registry

LAYOUT_PRODUCT = {"lad": "hex/lad.parquet", "ward": "hex/ward.parquet"}
"""The layout product of each level that has a hex map (paths under the data folder)."""
HEX_LEVELS = tuple(LAYOUT_PRODUCT)
"""Levels drawn as hex maps: districts (anywhere) and wards (of a combined authority or a district)."""
LABEL_COUNT = 12
"""Districts named on a hex map (web and static), largest first: on England's 296 hexagons more would crowd each
other out; a combined authority's map names all of its districts."""
REPORT = "build_report.json"
"""The build report, whose ``hexmaps`` section records how many neighbours each layout keeps."""
GROUPS_PRODUCT = "hex/groups.parquet"
LABELS_PRODUCT = "hex/labels.parquet"
SOURCE = "hexmaps"
"""The key of Open Innovations' layout in ``layers/sources.toml``."""
METADATA_KEY = b"mapkit"
ATTRIBUTION_KEY = "attribution"
_PARENTS = {"lad": ("ca_code", "ca_name"), "ward": ("lad_code", "lad_name", "ca_code", "ca_name")}
_GROUP_COLUMNS = ("level", "region", "code", "name", "geometry")
_LABEL_COLUMNS = (*_GROUP_COLUMNS[:-1], "population", "rank", "geometry")


def layout_columns(level: str) -> list[str]:
    """The columns of a level's layout frame, geometry aside: code, name, cell (q, r) and parents."""
    return ["code", "name", "q", "r", *_PARENTS[level]]


def hex_attribution() -> str:
    """The credit every hex map must carry ("Hex layout: Open Innovations (MIT licence)")."""
    return registry().sources[SOURCE].attribution


def _check_level(level: str) -> None:
    if level not in LAYOUT_PRODUCT:
        raise UnknownNameError(f"No hex map for level {level!r}: hex maps are made for "
                               f"{' and '.join(map(repr, LAYOUT_PRODUCT))}.")


@lru_cache(maxsize=None)
def _product(product: str, columns: tuple[str, ...], data_dir: Path) -> gpd.GeoDataFrame:
    path = data_dir / product
    return checked_product(read_product(path), path, columns, geo=True)


def _layout(level: str, data_dir: Path) -> gpd.GeoDataFrame:
    region = ("region",) if level == "ward" else ()
    return _product(LAYOUT_PRODUCT[level], (*region, *layout_columns(level), "geometry"), data_dir)


WARDS_OF_ENGLAND = ("Ward hex maps are made per combined authority and per district (choose one), not for England "
                    "as a whole: its 6,817 wards would be hexagons too small to read.")


def _ward_region(region: str, data_dir: Path) -> str:
    if region_kind(region, data_dir) == "england":
        raise ParameterError(WARDS_OF_ENGLAND)
    return region


def hex_problem(level: str, region: str = ENGLAND, *, data_dir: Path | None = None) -> str | None:
    """Why there is no hex map of ``level`` in ``region`` (a sentence a user can act on), or ``None`` if there is.

    Hex maps are made of districts (anywhere in England) and of wards (per combined authority and per district).
    """
    if level not in LAYOUT_PRODUCT:
        return (f"Hex maps are made of districts and of wards, not of "
                f"{registry().boundary(level).plural if level in registry().boundaries else repr(level)}.")
    if level == "ward" and region_kind(region, data_dir or default_data_dir()) == "england":
        return WARDS_OF_ENGLAND
    return None


def hex_layout(level: str, region: str = ENGLAND, *, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The hexagons of ``level`` in ``region``: ``code, name, q, r``, parent codes and names, geometry.

    Districts (``"lad"``) come from England's layout, so a combined authority's or a district's districts keep
    their place in it. Wards (``"ward"``) have a layout per combined authority and per district.

    Raises
    ------
    UnknownNameError
        For a level without a hex map, or an unknown region code.
    ParameterError
        For wards of England as a whole.
    ProductError
        When the product is missing or damaged (the message gives the rebuild command).
    """
    _check_level(level)
    data_dir = data_dir or default_data_dir()
    frame = _layout(level, data_dir)
    if level == "ward":
        return frame[frame["region"] == _ward_region(region, data_dir)].drop(columns="region")
    kind = region_kind(region, data_dir)
    mask = (pd.Series(True, index=frame.index) if kind == "england"
            else frame["ca_code"] == region if kind == "ca" else frame["code"] == region)
    return frame[mask.to_numpy()]


@dataclasses.dataclass(frozen=True)
class KeptNeighbours:
    """How many pairs of neighbouring areas (sharing a stretch of boundary) are adjacent hexagons in a layout."""

    pairs: int
    kept: int
    computed: bool
    """True for a layout computed at build time (wards), False for Open Innovations' hand-made district layout."""

    @property
    def share(self) -> float:
        return self.kept / self.pairs if self.pairs else float("nan")


def hex_neighbours(level: str, region: str = ENGLAND, *, data_dir: Path | None = None) -> KeptNeighbours | None:
    """The neighbour pairs the layout of ``level`` in ``region`` keeps, from the build report.

    Districts are placed by England's layout (its figures are England's, whatever the region); each ward layout has
    its own. ``None`` when the report does not record them (a data folder built before the hex maps, or a region
    whose wards share no boundary).
    """
    _check_level(level)
    data_dir = data_dir or default_data_dir()
    section = _report(data_dir).get("hexmaps", {})
    if level == "ward":
        section = section.get("ward", {}).get("regions", {}).get(_ward_region(region, data_dir), {})
    else:
        section = section.get("lad", {})
    pairs, kept = section.get("neighbour_pairs"), section.get("neighbours_adjacent")
    if not isinstance(pairs, int) or not isinstance(kept, int) or pairs <= 0:
        return None
    return KeptNeighbours(pairs=pairs, kept=kept, computed=level == "ward")


@lru_cache(maxsize=None)
def _report(data_dir: Path) -> dict:
    try:
        return json.loads((data_dir / REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def hex_groups(level: str, region: str = ENGLAND, *, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Outlines of groups of hexagons drawn over a hex map of ``level`` in ``region`` (``code, name, geometry``).

    Over districts: the combined authorities (the union of their districts' hexagons), those of the region.
    Over wards: the region's districts (the union of their wards' hexagons; a district whose wards the layout
    had to split is a multipolygon).
    """
    _check_level(level)
    data_dir = data_dir or default_data_dir()
    frame = _product(GROUPS_PRODUCT, _GROUP_COLUMNS, data_dir)
    if level == "ward":
        chosen = frame[(frame["level"] == "ward") & (frame["region"] == _ward_region(region, data_dir))]
    else:
        cas = set(hex_layout("lad", region, data_dir=data_dir)["ca_code"].dropna())
        chosen = frame[(frame["level"] == "lad") & frame["code"].isin(cas)]
    return chosen.drop(columns=["level", "region"])


def place_labels(level: str, region: str = ENGLAND, *, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The names a hex map draws: the :data:`LABEL_COUNT` largest districts (:func:`hex_labels`), and none on a
    district's own ward map, where the one name would be the region's and read as a ward's."""
    labels = hex_labels(level, region, n=LABEL_COUNT, data_dir=data_dir)
    if level == "ward" and region_kind(region, data_dir or default_data_dir()) == "lad":
        return labels.iloc[:0]
    return labels


def hex_labels(level: str, region: str = ENGLAND, *, n: int | None = None,
               data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Label points of districts on a hex map of ``level`` in ``region``, largest first: ``code, name,
    population, rank, geometry``.

    ``population`` is the district's Census 2021 usual residents (ONS) and ``rank`` its rank among England's
    districts (1 = most residents); ``n`` keeps the ``n`` largest. On a district map each point is the district's
    hexagon's centre; on a ward map, the centre of the district's ward hexagon nearest the middle of them.
    """
    _check_level(level)
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 0):
        raise ParameterError(f"n must be a whole number of labels, 0 or more (got {n!r}).")
    data_dir = data_dir or default_data_dir()
    frame = _product(LABELS_PRODUCT, _LABEL_COLUMNS, data_dir)
    if level == "ward":
        chosen = frame[(frame["level"] == "ward") & (frame["region"] == _ward_region(region, data_dir))]
    else:
        codes = set(hex_layout("lad", region, data_dir=data_dir)["code"])
        chosen = frame[(frame["level"] == "lad") & frame["code"].isin(codes)]
    chosen = chosen.sort_values(["rank", "code"], na_position="last").drop(columns=["level", "region"])
    return chosen if n is None else chosen.head(n)
