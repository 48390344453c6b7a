"""Hex maps: England's districts on Open Innovations' HexJSON layout, and each region's wards on a hex grid
assigned at build time (issue 24).

Products, in ``data/hex/`` (read by :mod:`mapkit.data.hexes`):

``lad.parquet``
    One hexagon per district at its HexJSON cell (``q``, ``r``), with its combined authority. A district whose code
    has no cell in the layout gets none (it is listed in the build report with the reason); no cell is invented.
``ward.parquet``
    For each region (each combined authority and each district), one hexagon per ward. The wards are assigned to
    the cells of a hex grid laid over the region's shape so that the total squared distance between the wards'
    centroids and their cells' centres is least (:func:`scipy.optimize.linear_sum_assignment`: deterministic).
``groups.parquet``
    Outlines of groups of hexagons (the union of their cells): combined authorities on the district map, districts on
    each ward map.
``labels.parquet``
    Label points (a hexagon's centre), ranked by the district's Census 2021 usual residents (ONS, shipped as the
    ``population`` indicator); rank 1 has the most residents.

The hexagons are a layout, not geography. Their coordinates are *display coordinates*: the grid is laid out in Web
Mercator metres (EPSG:3857), where its pointy-topped hexagons are regular, over the real extent of England
(districts) or of the region (wards), then converted to longitude/latitude (EPSG:4326) and rounded to the web
codec's grid of 1e-5 degree. A Leaflet map (Web Mercator) draws them as regular hexagons, with or without tiles.
Their distances and areas mean nothing on the ground. Each corner is computed once from integer lattice indices,
so neighbouring hexagons share identical corners: they neither gap nor overlap.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from mapkit.errors import RawDataError
from mapkit.data.hexes import (ATTRIBUTION_KEY, ENGLAND, GROUPS_PRODUCT, LABELS_PRODUCT, LAYOUT_PRODUCT, METADATA_KEY,
                          SOURCE, layout_columns)
from mapkit.data.io import WGS84, read_product
from mapkit.pipeline.raw import RawInputs

WEB_MERCATOR = "EPSG:3857"
SQRT3 = math.sqrt(3.0)
DECIMALS = 5
"""Display coordinates are rounded to 1e-5 degree, the grid of the web codec (:data:`mapkit.web.encode.SCALE`)."""
SHIFTED_PARITY = {"odd-r": 1, "even-r": 0}
"""HexJSON layouts of pointy-topped rows: rows of this parity (``r mod 2``) are shunted right by half a hexagon."""
_CORNERS = ((0, 2), (-1, 1), (-1, -1), (0, -2), (1, -1), (1, 1))
"""A hexagon's corners from its centre, anticlockwise from the top, in lattice units (half a hexagon's width across,
half its circumradius up)."""
LABEL_INDICATOR = "population"
LABEL_RULE = ("Label points are ranked by the district's Census 2021 usual residents (ONS, the shipped `population` "
              "indicator); rank 1 has the most residents. The official figures say which districts are largest, not "
              "which are cities: large rural unitary authorities (e.g. North Yorkshire, Cornwall) rank high.")
LAYOUT_NOTE = ("A layout, not geography: display coordinates (EPSG:4326) of hexagons that are regular in Web "
               "Mercator (EPSG:3857), laid out over the real extent of England (districts) or of the region (wards). "
               "Distances and areas mean nothing on the ground.")
_TO_LONLAT = Transformer.from_crs(WEB_MERCATOR, WGS84, always_xy=True)


@dataclasses.dataclass(frozen=True)
class HexGrid:
    """Pointy-topped hexagons in Web Mercator metres: cell ``(q, r)`` is column ``q`` of row ``r``, rows numbered
    northwards, rows of the layout's shifted parity moved east by half a hexagon (HexJSON ``odd-r``/``even-r``).

    Attributes
    ----------
    size
        Circumradius (centre to corner) in Web Mercator metres; a hexagon is ``size * sqrt(3)`` wide.
    layout
        ``"odd-r"`` or ``"even-r"``.
    x0, y0
        Web Mercator position of cell ``(0, 0)``'s centre.
    """

    size: float
    layout: str = "odd-r"
    x0: float = 0.0
    y0: float = 0.0

    def lattice(self, q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Integer lattice position of cell centres (half widths east, half circumradii north)."""
        q, r = np.asarray(q, dtype=np.int64), np.asarray(r, dtype=np.int64)
        shift = (np.bitwise_and(r, 1) == SHIFTED_PARITY[self.layout]).astype(np.int64)
        return 2 * q + shift, 3 * r

    def _metres(self, ix: np.ndarray, iy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.x0 + ix * (SQRT3 * self.size / 2), self.y0 + iy * (self.size / 2)

    def centres(self, q: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cell centres in Web Mercator metres."""
        return self._metres(*self.lattice(q, r))

    def hexagons(self, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        """The cells as polygons in display coordinates (EPSG:4326, rounded to 1e-5 degree)."""
        ix, iy = self.lattice(q, r)
        corners = np.stack([np.stack(self._metres(ix + dx, iy + dy), axis=-1) for dx, dy in _CORNERS], axis=1)
        lon, lat = _TO_LONLAT.transform(corners[..., 0].ravel(), corners[..., 1].ravel())
        ring = np.round(np.stack([lon, lat], axis=-1), DECIMALS).reshape(len(ix), len(_CORNERS), 2)
        return shapely.polygons(np.concatenate([ring, ring[:, :1]], axis=1))

    def points(self, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        """Cell centres as points in display coordinates."""
        lon, lat = _TO_LONLAT.transform(*self.centres(q, r))
        return shapely.points(np.round(lon, DECIMALS), np.round(lat, DECIMALS))

    def cells_within(self, shape: shapely.Geometry) -> tuple[np.ndarray, np.ndarray]:
        """Cells whose centre lies inside ``shape`` (Web Mercator), row by row from the south-west."""
        minx, miny, maxx, maxy = shape.bounds
        width, height = SQRT3 * self.size, 1.5 * self.size
        rows = np.arange(math.floor((miny - self.y0) / height) - 1, math.ceil((maxy - self.y0) / height) + 2)
        cols = np.arange(math.floor((minx - self.x0) / width) - 1, math.ceil((maxx - self.x0) / width) + 2)
        r, q = (a.ravel() for a in np.meshgrid(rows, cols, indexing="ij"))
        shapely.prepare(shape)
        inside = shapely.contains_xy(shape, *self.centres(q, r))
        return q[inside], r[inside]


def adjacent(layout: str, q_a: np.ndarray, r_a: np.ndarray, q_b: np.ndarray, r_b: np.ndarray) -> np.ndarray:
    """Whether cells ``a`` and ``b`` of a ``layout`` grid share an edge (elementwise)."""
    grid = HexGrid(1.0, layout)
    (ax, ay), (bx, by) = grid.lattice(q_a, r_a), grid.lattice(q_b, r_b)
    dx, dy = np.abs(ax - bx), np.abs(ay - by)
    return ((dy == 0) & (dx == 2)) | ((dy == 3) & (dx == 1))


def neighbour_pairs(geoms: np.ndarray) -> np.ndarray:
    """Index pairs ``(i, j)``, ``i < j``, of polygons sharing a stretch of boundary (touching at a point is not
    enough), sorted."""
    geoms = np.asarray(geoms, dtype=object)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(geoms[left], geoms[right])) > 0
    pairs = np.stack([left[shared], right[shared]], axis=1)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def kept_neighbours(layout: str, q: np.ndarray, r: np.ndarray, pairs: np.ndarray) -> int:
    """How many neighbour ``pairs`` are adjacent cells."""
    q, r = np.asarray(q), np.asarray(r)
    return int(adjacent(layout, q[pairs[:, 0]], r[pairs[:, 0]], q[pairs[:, 1]], r[pairs[:, 1]]).sum())


# --- the HexJSON layout of districts -----------------------------------------------------------------------------

def read_hexjson(path: Path) -> tuple[str, pd.DataFrame]:
    """The layout and cells (``code, name, q, r``) of a HexJSON file with pointy-topped rows.

    Raises
    ------
    RawDataError
        The file is not HexJSON, uses flat-topped columns (``odd-q``/``even-q``), has a cell without integer
        ``q``/``r`` or two codes on one cell.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise RawDataError(f"{path}: file not found. Put Open Innovations' HexJSON there or run with --download.") \
            from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RawDataError(f"{path}: not a readable HexJSON file ({exc}). Download it again from Open "
                           "Innovations (odileeds/hexmaps).") from None
    hexes = doc.get("hexes") if isinstance(doc, dict) else None
    layout = doc.get("layout") if isinstance(doc, dict) else None
    if not isinstance(hexes, dict) or not hexes:
        raise RawDataError(f"{path}: no \"hexes\" object. A HexJSON file holds {{\"layout\": ..., \"hexes\": "
                           "{code: {\"q\": ..., \"r\": ...}}}; download it again from Open Innovations.")
    if layout not in SHIFTED_PARITY:
        raise RawDataError(f"{path}: layout {layout!r} is not supported. Use a HexJSON with pointy-topped rows "
                           f"({' or '.join(map(repr, SHIFTED_PARITY))}), as Open Innovations publishes for districts.")
    rows = []
    for code, cell in hexes.items():
        q, r = (cell.get(k) if isinstance(cell, dict) else None for k in ("q", "r"))
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (q, r)):
            raise RawDataError(f"{path}: cell {code!r} has q={q!r}, r={r!r}; HexJSON cells need integer q and r. "
                               "Download the file again from Open Innovations.")
        rows.append({"code": str(code), "name": str(cell.get("n", "")), "q": q, "r": r})
    cells = pd.DataFrame(rows)
    clash = cells[cells.duplicated(["q", "r"], keep=False)]
    if len(clash):
        shown = ", ".join(f"{c} ({q}, {r})" for c, q, r in clash[["code", "q", "r"]].head(6).itertuples(index=False))
        raise RawDataError(f"{path}: several codes share one cell: {shown}. Download the file again from Open "
                           "Innovations.")
    return layout, cells


def _fit_to(grid_layout: str, q: np.ndarray, r: np.ndarray, extent: tuple[float, float, float, float]) -> HexGrid:
    """The largest grid (whole metres) on which cells ``q, r`` fit inside ``extent`` (Web Mercator), centred."""
    ix, iy = HexGrid(1.0, grid_layout).lattice(q, r)
    lo_x, hi_x, lo_y, hi_y = ix.min() - 1, ix.max() + 1, iy.min() - 2, iy.max() + 2
    minx, miny, maxx, maxy = extent
    size = math.floor(min((maxx - minx) / ((hi_x - lo_x) * SQRT3 / 2), (maxy - miny) / ((hi_y - lo_y) / 2)))
    x0 = round((minx + maxx) / 2 - (lo_x + hi_x) / 2 * SQRT3 * size / 2)
    y0 = round((miny + maxy) / 2 - (lo_y + hi_y) / 2 * size / 2)
    return HexGrid(float(size), grid_layout, float(x0), float(y0))


def district_layout(layout: str, cells: pd.DataFrame, lad: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, HexGrid,
                                                                                       dict]:
    """England's districts on their HexJSON cells, on a grid fitted to England's extent in Web Mercator.

    ``lad`` is the shipped district product (``code, name, ca_code, ca_name``, geometry). Districts are matched by
    code; a district without a cell gets none, and an English code of the layout that is no district is left out,
    both listed in the returned report with the reason. Names are ONS's (the layout's are reported where they
    differ).
    """
    lad = lad.sort_values("code").reset_index(drop=True)
    by_code = cells.set_index("code")
    english = cells[cells["code"].str.startswith("E")]
    matched = lad.merge(cells[["code", "q", "r"]], on="code", how="inner", validate="1:1")
    if matched.empty:
        raise RawDataError("The HexJSON layout has no cell for any English district code: use Open Innovations' "
                           "uk-local-authority-districts layout of the boundaries' vintage (SOURCES.md section 14).")
    q, r = matched["q"].to_numpy(), matched["r"].to_numpy()
    real = shapely.get_coordinates(matched.to_crs(WEB_MERCATOR).geometry.centroid.values)
    for name, cell, towards, column in (("q", q, "east", 0), ("r", r, "north", 1)):
        agreement = np.corrcoef(cell, real[:, column])[0, 1] if len(np.unique(cell)) > 2 else 1.0
        if not agreement > 0.5:
            raise RawDataError(f"The HexJSON layout's {name} does not grow {towards}wards with the districts' real "
                               f"positions (correlation {agreement:.2f}); it is not the published layout of England.")
    grid = _fit_to(layout, q, r, tuple(lad.to_crs(WEB_MERCATOR).total_bounds))
    pairs = neighbour_pairs(matched.geometry.values)
    frame = gpd.GeoDataFrame(
        matched[["code", "name", "q", "r", "ca_code", "ca_name"]],
        geometry=grid.hexagons(q, r), crs=WGS84)
    report = {
        "source_layout": layout,
        "cells_in_file": len(cells),
        "districts": len(lad),
        "districts_with_cell": len(frame),
        "districts_without_cell": [
            {"code": c, "name": n, "reason": "no cell for this code in the HexJSON layout (a code the 2023 layout "
             "does not have); left off the hex map rather than given an invented cell"}
            for c, n in lad.loc[~lad["code"].isin(cells["code"]), ["code", "name"]].itertuples(index=False)],
        "english_cells_not_districts": [
            {"code": c, "name": n, "reason": "not a December 2024 district code (changed or abolished since the "
             "layout was made); the cell is not used"}
            for c, n in english.loc[~english["code"].isin(lad["code"]), ["code", "name"]].itertuples(index=False)],
        "cells_outside_england": int((~cells["code"].str.startswith("E")).sum()),
        "names_differ": [{"code": c, "ons": n, "hexjson": by_code.at[c, "name"]}
                         for c, n in matched[["code", "name"]].itertuples(index=False) if by_code.at[c, "name"] != n],
        "cell_size_m": grid.size,
        "neighbour_pairs": len(pairs),
        "neighbours_adjacent": kept_neighbours(layout, q, r, pairs),
    }
    return frame, grid, report


# --- computed ward layouts ---------------------------------------------------------------------------------------

def assign_cells(geoms: np.ndarray, *, layout: str = "odd-r") -> tuple[HexGrid, np.ndarray, np.ndarray, float]:
    """Give each area (polygons in Web Mercator) its own cell of a hex grid over their union.

    The grid is the coarsest (in steps of 3%, from cells of the areas' mean area) with at least one cell per area
    whose centre lies inside the union. Spare cells are dropped from the rim, fewest neighbours first (ties: the
    farthest from any centroid), so that the hexagons fill the shape without holes; then areas are assigned to
    cells so that the sum of squared distances from their centroids to their cells' centres is least. Measured on
    the 15 combined authorities: squared distance keeps 61.8% of neighbouring ward pairs adjacent (57-71% each),
    plain distance 44.3% (21-59%); leaving the spare cells in as holes kept 62.2%.

    Returns
    -------
    grid, q, r, mean_shift
        The grid, each area's cell, and the mean distance from centroid to cell centre in cell widths.
    """
    from scipy.optimize import linear_sum_assignment
    from scipy.spatial import cKDTree

    geoms = np.asarray(geoms, dtype=object)
    union = shapely.union_all(geoms)
    centroids = shapely.get_coordinates(shapely.centroid(geoms))
    size = math.sqrt(union.area / (len(geoms) * 1.5 * SQRT3))
    for _ in range(400):
        grid = HexGrid(size, layout)
        q, r = grid.cells_within(union)
        if len(q) >= len(geoms):
            break
        size *= 0.97
    else:
        raise RawDataError(f"No hex grid fits {len(geoms)} areas inside their outline; the boundaries are damaged.")
    x, y = grid.centres(q, r)
    keep = _fill_without_holes(layout, q, r, cKDTree(centroids).query(np.stack([x, y], axis=1))[0], len(geoms))
    q, r, x, y = q[keep], r[keep], x[keep], y[keep]
    cost = (centroids[:, :1] - x[None, :]) ** 2 + (centroids[:, 1:] - y[None, :]) ** 2
    rows, cols = linear_sum_assignment(cost)
    chosen = cols[np.argsort(rows)]
    shift = float(np.sqrt(cost[np.arange(len(geoms)), chosen]).mean() / (SQRT3 * size))
    return grid, q[chosen], r[chosen], shift


def _fill_without_holes(layout: str, q: np.ndarray, r: np.ndarray, remoteness: np.ndarray, wanted: int) -> np.ndarray:
    """Which cells to keep: drop cells with the fewest neighbours (the most remote first) until ``wanted`` are
    left."""
    neighbours = adjacent(layout, q[:, None], r[:, None], q[None, :], r[None, :])
    degree = neighbours.sum(axis=1)
    keep = np.ones(len(q), dtype=bool)
    for _ in range(len(q) - wanted):
        live = np.flatnonzero(keep)
        fewest = live[degree[live] == degree[live].min()]
        drop = fewest[np.argmax(remoteness[fewest])]
        keep[drop] = False
        degree -= neighbours[drop]
    return keep


def ward_layouts(ward: gpd.GeoDataFrame, regions: list[tuple[str, str, np.ndarray]]) -> tuple[gpd.GeoDataFrame,
                                                                                               dict]:
    """Each region's wards on their own grid: ``regions`` is ``(code, name, mask over ward)`` per region.

    Returns the rows (``region`` first, then :func:`mapkit.data.hexes.layout_columns` for wards) and, per region, the
    neighbour pairs kept and the mean displacement.
    """
    ward = ward.reset_index(drop=True)
    merc = ward.to_crs(WEB_MERCATOR).geometry.values
    frames, report = [], {}
    for code, name, mask in regions:
        index = np.flatnonzero(mask)
        index = index[np.argsort(ward["code"].to_numpy()[index], kind="stable")]
        if not len(index):
            continue
        grid, q, r, shift = assign_cells(merc[index])
        pairs = neighbour_pairs(ward.geometry.values[index])
        kept = kept_neighbours(grid.layout, q, r, pairs)
        rows = ward.iloc[index][["code", "name", "lad_code", "lad_name", "ca_code", "ca_name"]].assign(
            region=code, q=q, r=r)
        frames.append(gpd.GeoDataFrame(rows, geometry=grid.hexagons(q, r), crs=WGS84))
        report[code] = {"name": name, "wards": len(index), "cell_size_m": round(grid.size, 1),
                        "neighbour_pairs": len(pairs), "neighbours_adjacent": kept,
                        "share_adjacent": round(kept / len(pairs), 4) if len(pairs) else None,
                        "mean_displacement_cells": round(shift, 3)}
    if not frames:
        raise RawDataError("No region has any ward: the ward product does not match the districts; rebuild both.")
    frame = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(frame[["region", *layout_columns("ward"), "geometry"]], crs=WGS84), report


# --- groups and labels -------------------------------------------------------------------------------------------

def _dissolve(frame: gpd.GeoDataFrame, key: str, name: str) -> pd.DataFrame:
    parts = frame.dropna(subset=[key]).groupby(key, sort=True)
    return pd.DataFrame({"code": list(parts.groups), "name": parts[name].first().to_numpy(),
                         "geometry": [shapely.union_all(g.geometry.values) for _, g in parts]})


def _label_points(frame: gpd.GeoDataFrame, key: str, name: str) -> pd.DataFrame:
    """Per group, the centre of its cell nearest the mean of its cells' centres (so the label sits on its own
    hexagon)."""
    centres = shapely.get_coordinates(shapely.centroid(frame.to_crs(WEB_MERCATOR).geometry.values))
    rows = []
    for code, index in frame.groupby(key, sort=True).indices.items():
        mean = centres[index].mean(axis=0)
        best = index[np.argmin(((centres[index] - mean) ** 2).sum(axis=1))]
        rows.append({"code": code, "name": frame[name].iloc[index[0]], "cell": best})
    points = shapely.centroid(frame.geometry.values[[row["cell"] for row in rows]])
    return pd.DataFrame(rows).drop(columns="cell").assign(
        geometry=shapely.points(np.round(shapely.get_coordinates(points), DECIMALS)))


def groups_and_labels(lad_hex: gpd.GeoDataFrame, ward_hex: gpd.GeoDataFrame,
                      population: pd.Series) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Outlines (combined authorities over districts; districts over each region's wards) and district label
    points ranked by ``population`` (Census 2021 usual residents by district code; 1 = most)."""
    groups = [_dissolve(lad_hex, "ca_code", "ca_name").assign(level="lad", region=ENGLAND)]
    labels = [_label_points(lad_hex, "code", "name").assign(level="lad", region=ENGLAND)]
    for region, rows in ward_hex.groupby("region", sort=True):
        groups.append(_dissolve(rows, "lad_code", "lad_name").assign(level="ward", region=region))
        labels.append(_label_points(rows, "lad_code", "lad_name").assign(level="ward", region=region))
    residents = population.dropna()
    rank = residents.rank(method="first", ascending=False).astype("int64")
    label_frame = pd.concat(labels, ignore_index=True).assign(
        population=lambda f: f["code"].map(residents), rank=lambda f: f["code"].map(rank).astype("Int64"))
    label_frame = label_frame.sort_values(["level", "region", "rank", "code"], na_position="last")
    group_frame = pd.concat(groups, ignore_index=True)
    order = ["level", "region", "code", "name"]
    return (gpd.GeoDataFrame(group_frame[[*order, "geometry"]], crs=WGS84),
            gpd.GeoDataFrame(label_frame[[*order, "population", "rank", "geometry"]].reset_index(drop=True),
                             crs=WGS84))


# --- the pipeline step -------------------------------------------------------------------------------------------

@dataclasses.dataclass
class HexProducts:
    """The four products and the build report's ``hexmaps`` section."""

    lad: gpd.GeoDataFrame
    ward: gpd.GeoDataFrame
    groups: gpd.GeoDataFrame
    labels: gpd.GeoDataFrame
    report: dict


def hex_products(hexjson: Path, lad: gpd.GeoDataFrame, ward: gpd.GeoDataFrame,
                 population: pd.Series) -> HexProducts:
    """Build every hex product from the HexJSON file, the shipped district and ward products and the districts'
    Census 2021 usual residents (by code).

    Ward layouts are made for each combined authority and each district of ``lad``, the app's ward views; none for
    England as a whole, whose 6,817 wards would be hexagons too small to read or point at.
    """
    layout, cells = read_hexjson(hexjson)
    lad_hex, _, lad_report = district_layout(layout, cells, lad)
    ca = lad.dropna(subset=["ca_code"]).drop_duplicates("ca_code").sort_values("ca_code")
    wanted = [(c, n, ward["ca_code"].to_numpy() == c) for c, n in ca[["ca_code", "ca_name"]].itertuples(index=False)]
    wanted += [(c, n, ward["lad_code"].to_numpy() == c)
               for c, n in lad.sort_values("code")[["code", "name"]].itertuples(index=False)]
    ward_hex, ward_report = ward_layouts(ward, wanted)
    groups, labels = groups_and_labels(lad_hex, ward_hex, population)
    unranked = sorted(set(lad_hex["code"]) - set(population.dropna().index))
    report = {
        "note": LAYOUT_NOTE,
        "lad": lad_report,
        "ward": {"regions": ward_report, "method": "least total squared displacement "
                 "(scipy.optimize.linear_sum_assignment) of ward centroids to the cells of a hex grid over the "
                 "region's shape, per combined authority and per district"},
        "labels": {"rule": LABEL_RULE, "districts_without_population": unranked},
        "rows": {"lad": len(lad_hex), "ward": len(ward_hex), "groups": len(groups), "labels": len(labels)},
    }
    return HexProducts(lad_hex, ward_hex, groups, labels, report)


def write_products(products: HexProducts, folder: Path, *, attribution: str) -> list[Path]:
    """Write the four GeoParquet files under ``folder`` (a data folder), each carrying a ``mapkit`` metadata entry
    that says what its coordinates are and whose layout it is."""
    import pyarrow.parquet as pq

    written = []
    for product, frame in ((LAYOUT_PRODUCT["lad"], products.lad), (LAYOUT_PRODUCT["ward"], products.ward),
                           (GROUPS_PRODUCT, products.groups), (LABELS_PRODUCT, products.labels)):
        path = folder / product
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(path, index=False, compression="zstd", write_covering_bbox=False)
        table = pq.read_table(path)
        meta = {**(table.schema.metadata or {}),
                METADATA_KEY: json.dumps({"description": LAYOUT_NOTE, ATTRIBUTION_KEY: attribution}).encode()}
        pq.write_table(table.replace_schema_metadata(meta), path, compression="zstd")
        written.append(path)
    return written


def build_hexmaps(inputs: RawInputs, staging: Path, lad_indicators: pd.DataFrame) -> dict:
    """The pipeline step: hex products from the HexJSON file and the staged district and ward products, written
    into ``staging``; returns the build report's ``hexmaps`` section (with the layout's licence notice, which
    ``ATTRIBUTION.md`` reproduces as the MIT licence asks)."""
    registry = inputs.registry
    hexjson = inputs.path(f"{SOURCE}.lad")
    try:
        notice = inputs.path(f"{SOURCE}.licence").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise RawDataError(f"The licence file of Open Innovations' hex layout cannot be read ({exc}). Copy LICENSE "
                           "from the odileeds/hexmaps repository into the raw folder's hexmaps/.") from None
    population = lad_indicators.loc[lad_indicators["indicator"] == LABEL_INDICATOR].set_index("code")["value"]
    lad = read_product(staging / registry.boundary("lad").product)
    ward = read_product(staging / registry.boundary("ward").product)
    products = hex_products(hexjson, lad, ward, population)
    write_products(products, staging, attribution=registry.sources[SOURCE].attribution)
    return {**products.report, "licence_notice": notice}


def validate_hexmaps(staging: Path, report: dict) -> None:
    """Read the staged hex products back: every row written, EPSG:4326, one cell per area of each layout."""
    for key, product in (("lad", LAYOUT_PRODUCT["lad"]), ("ward", LAYOUT_PRODUCT["ward"]),
                         ("groups", GROUPS_PRODUCT), ("labels", LABELS_PRODUCT)):
        frame = read_product(staging / product)
        crs = getattr(frame, "crs", None)
        problem = (f"{len(frame)} rows, {report['rows'][key]} built" if len(frame) != report["rows"][key]
                   else f"crs {crs}" if crs is None or crs.to_epsg() != 4326 else "")
        if not problem and key in ("lad", "ward"):
            per = ["region"] if key == "ward" else []
            if frame.duplicated([*per, "code"]).any() or frame.duplicated([*per, "q", "r"]).any():
                problem = "an area or a cell appears twice"
        if problem:
            raise RawDataError(f"Staged {product} failed validation ({problem}); data/ was left unchanged.")
