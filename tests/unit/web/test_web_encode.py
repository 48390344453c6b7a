"""The geometry the app sends to the browser decodes back to valid polygons that still tile the region.

``mapkit.web.encode.area_geometry`` rounds coordinates to 1e-5 degree (repairing the few areas that rounding
breaks, :func:`mapkit.web.encode.on_grid`) and delta-encodes them (issue 6). These tests decode that text as the
browser does and check, for the views the benchmark measures (West Midlands wards, England wards, West Midlands
LSOAs), that rounding lost no area, no small area and no shared border. tests/unit/web/test_web_choropleth.py checks the
encoding itself (round trip, alphabet, shared vertices of Coventry's wards), tests/js/ the decoder on a fixture
written by the encoder; tests/unit/data/test_products.py checks the
source polygons before encoding.
"""

from __future__ import annotations

import json
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pytest
import shapely

import mapkit
from js_decode import decode_payload
from mapkit.web.encode import SCALE, area_geometry, on_grid

WMCA = "E47000007"
VIEWS = [("ward", WMCA), ("ward", mapkit.ENGLAND), ("lsoa", WMCA)]
EXACT_COVERAGE = {("ward", WMCA), ("lsoa", WMCA)}
"""Views whose decoded areas share every border vertex for vertex. In England's wards, 3 wards that rounding made
self-intersecting are repaired with a node up to half a metre off their neighbour's edge."""
BNG = 27700
MAX_SHIFT_M = 1.0
"""Rounding to 1e-5 degree moves a vertex at most 0.56 m north-south and 0.36 m east-west in England."""
MAX_SLIVERS_M2 = 500.0
"""Total area of all overlaps and gaps between decoded neighbours in one view (England: 130,000 km2)."""


def decode(payload_json: str) -> list[shapely.MultiPolygon]:
    """Areas as the browser's runtime decodes them (``mapkit/web/static/geometry.js``, run by Node)."""
    _, areas = decode_payload(payload_json)
    return [shapely.MultiPolygon([shapely.Polygon(rings[0] + rings[0][:1], [r + r[:1] for r in rings[1:]])
                                  for rings in polygons]) for polygons in areas]


@lru_cache(maxsize=None)
def decoded(level: str, region: str) -> tuple[gpd.GeoDataFrame, gpd.GeoSeries]:
    """The source areas of a view and the areas decoded from the text the app sends, both in EPSG:4326."""
    text = area_geometry(level, region).json
    payload = json.loads(text)
    assert payload["scale"] == SCALE
    source = mapkit.load_boundaries(level, region).set_index("code")
    assert list(payload["codes"]) == list(source.index)
    return source, gpd.GeoSeries(decode(text), index=source.index, crs=4326)


@pytest.fixture(scope="module", params=VIEWS, ids=[f"{level}-{region}" for level, region in VIEWS])
def view(request: pytest.FixtureRequest) -> tuple[gpd.GeoDataFrame, gpd.GeoSeries, bool]:
    return (*decoded(*request.param), tuple(request.param) in EXACT_COVERAGE)


def polygons_narrower_than(geoms: np.ndarray, width_m: float) -> bool:
    """Whether every polygon (EPSG:4326) vanishes when eroded by half of ``width_m``."""
    metric = gpd.GeoSeries(geoms, crs=4326).to_crs(BNG).values
    return bool(shapely.is_empty(shapely.buffer(metric, -width_m / 2)).all())


def farthest_vertex(areas: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per area, the largest distance from one of its vertices to the matching target geometry."""
    coords, index = shapely.get_coordinates(areas, return_index=True)
    distance = shapely.distance(shapely.points(coords), targets[index])
    out = np.zeros(len(areas))
    np.maximum.at(out, index, distance)
    return out


def polygonal(geoms: np.ndarray) -> np.ndarray:
    parts = shapely.get_parts(geoms)
    parts = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
    return parts[shapely.area(parts) > 0]


def test_every_area_decodes_to_a_valid_polygon(view: tuple[gpd.GeoDataFrame, gpd.GeoSeries, bool]) -> None:
    _, web, _ = view
    invalid = web[~shapely.is_valid(web.values)]
    assert invalid.empty, f"invalid after decoding: {list(invalid.index[:5])}"
    assert not shapely.is_empty(web.values).any()


def test_no_area_is_missing_or_moved(view: tuple[gpd.GeoDataFrame, gpd.GeoSeries, bool]) -> None:
    """Every area is there: each decoded vertex lies within a metre of its source polygons, and each source vertex
    within a metre of the decoded ones (slivers narrower than a metre aside: a 1 m grid cannot keep them)."""
    source, web, _ = view
    assert web.index.is_unique and set(web.index) == set(source.index)
    metric, source_metric = web.to_crs(BNG).values, source.geometry.to_crs(BNG).values
    parts, owner = shapely.get_parts(source_metric, return_index=True)
    real = ~shapely.is_empty(shapely.buffer(parts, -MAX_SHIFT_M / 2))
    without_specks = shapely.multipolygons(parts[real], indices=owner[real])
    assert len(without_specks) == len(web)
    for shift in (farthest_vertex(metric, source_metric), farthest_vertex(without_specks, metric)):
        assert shift.max() < MAX_SHIFT_M, f"{web.index[int(np.argmax(shift))]}: {shift.max():.2f} m"
    assert abs(shapely.area(metric).sum() / shapely.area(source_metric).sum() - 1) < 1e-5


def test_no_small_area_disappears(view: tuple[gpd.GeoDataFrame, gpd.GeoSeries, bool]) -> None:
    """Every polygon of every area keeps 3 distinct vertices and an area; every area keeps its area within 1%."""
    source, web, _ = view
    parts, owner = shapely.get_parts(web.values, return_index=True)
    coords, ring = shapely.get_coordinates(shapely.get_exterior_ring(parts), return_index=True)
    distinct = np.array([len(np.unique(coords[ring == i], axis=0)) for i in range(len(parts))])
    assert distinct.min() >= 3, f"a polygon of {web.index[owner[int(np.argmin(distinct))]]} collapsed"
    assert (shapely.area(parts) > 0).all()
    kept = web.to_crs(BNG).area / source.geometry.to_crs(BNG).area
    worst = kept.sub(1).abs().idxmax()
    assert kept.between(0.99, 1.01).all(), f"{worst} keeps {kept[worst]:.3f} of its area"


def test_shared_borders_stay_shared(view: tuple[gpd.GeoDataFrame, gpd.GeoSeries, bool]) -> None:
    """Neighbours decode to one shared border: no overlap and no gap, beyond slivers narrower than the rounding."""
    _, web, exact = view
    geoms = web.values
    if exact:
        assert shapely.coverage_is_valid(geoms)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="overlaps")
    overlaps = polygonal(shapely.intersection(geoms[left[left < right]], geoms[right[left < right]]))
    union = shapely.union_all(geoms)
    holes = [shapely.Polygon(interior) for part in shapely.get_parts(union) for interior in part.interiors]
    gaps = polygonal(np.array(holes, dtype=object))
    slivers = np.concatenate([overlaps, gaps])
    assert polygons_narrower_than(slivers, MAX_SHIFT_M)
    assert gpd.GeoSeries(slivers, crs=4326).to_crs(BNG).area.sum() < MAX_SLIVERS_M2


def test_rounding_repairs_only_the_areas_it_breaks() -> None:
    """A speck that collapses on the grid is dropped and its area stays valid; other areas are only rounded."""
    square = shapely.box(-1.5, 52.5, -1.4, 52.6)
    speck = shapely.Polygon([(-1.3, 52.5), (-1.3 + 3e-6, 52.5 + 1e-6), (-1.3 + 1e-6, 52.5 + 2e-6)])
    neighbour = shapely.Polygon([(-1.4, 52.5), (-1.3, 52.5), (-1.3, 52.6), (-1.4, 52.6), (-1.4, 52.55000123)])
    broken, kept = on_grid([shapely.MultiPolygon([square, speck]), neighbour])
    assert shapely.is_valid(broken) and shapely.equals(broken, square)
    rounded = np.round(shapely.get_coordinates(neighbour) * SCALE) / SCALE
    assert shapely.get_coordinates(kept).tolist() == rounded.tolist()
