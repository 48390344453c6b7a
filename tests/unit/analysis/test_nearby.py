"""Who lives near it: apportioning LSOA residents by area share, checked against numbers worked out by hand.

Fixture (British National Grid metres): three 2 km x 2 km LSOAs side by side, each 4,000,000 m²:

    A  x 0-2000     4,000 residents   decile 1  (most deprived)
    B  x 2000-4000  2,000 residents   decile 5
    C  x 4000-6000  1,000 residents   decile 10
    all y 0-2000

Buffers are drawn with 32 segments per quarter circle: their area is within 0.05% of the true circle, so the hand
values below are checked to a relative tolerance of 0.1%.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Point, box

from mapkit.errors import ParameterError
from mapkit.analysis.nearby import (
    METHOD,
    catchment,
    check_distance,
    group_summary,
    overlay_summary,
    population_near,
)

LSOA_AREA = 2000.0 * 2000.0
HALF_DISC_500 = math.pi * 500.0**2 / 2  # 392,699.08 m²
DISC_500 = math.pi * 500.0**2  # 785,398.16 m²
TOL = 1e-3
DATA = Path(__file__).resolve().parents[3] / "data" / "indicators" / "lsoa.parquet"


@pytest.fixture
def lsoas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": ["A", "B", "C"], "decile": [1, 5, 10], "population": [4000.0, 2000.0, 1000.0]},
        geometry=[box(0, 0, 2000, 2000), box(2000, 0, 4000, 2000), box(4000, 0, 6000, 2000)],
        crs="EPSG:27700",
    )


def _by_decile(result) -> dict[int, float]:
    return {int(d): p for d, p in zip(result.table["decile"], result.table["population"]) if p > 0}


def test_method_text_is_the_one_the_ui_shows():
    assert METHOD == "LSOAs apportioned by area share within the buffer; population = Census 2021 usual residents"


def test_point_on_a_shared_edge_splits_the_circle_between_two_lsoas(lsoas):
    # Point (2000, 1000), 500 m: half the disc in A, half in B.
    # A: 4000 x 392,699 / 4,000,000 = 392.70; B: 2000 x 392,699 / 4,000,000 = 196.35; total 589.05.
    result = population_near(Point(2000, 1000), distance_km=0.5, crs="EPSG:27700", lsoas=lsoas)
    a, b = 4000 * HALF_DISC_500 / LSOA_AREA, 2000 * HALF_DISC_500 / LSOA_AREA
    assert a == pytest.approx(392.699, abs=1e-3) and b == pytest.approx(196.350, abs=1e-3)
    assert _by_decile(result) == pytest.approx({1: a, 5: b}, rel=TOL)
    assert result.total_population == pytest.approx(a + b, rel=TOL)
    assert result.lsoa_count == 2
    # Shares do not depend on how round the buffer is: exactly 2/3 and 1/3.
    shares = dict(zip(result.table["decile"], result.table["share"]))
    assert shares[1] == pytest.approx(2 / 3, abs=1e-9) and shares[5] == pytest.approx(1 / 3, abs=1e-9)
    assert result.most_deprived_share == pytest.approx(2 / 3, abs=1e-9)


def test_line_buffer_with_round_ends_over_three_lsoas(lsoas):
    # Line (1000, 1000) -> (5000, 1000), 500 m: a 4000 x 1000 band plus two half discs at the ends.
    # A: band x 1000-2000 (1,000,000) + left half disc (392,699) = 1,392,699 -> 4000 x 0.348175 = 1392.70
    # B: band x 2000-4000 = 2,000,000 -> 2000 x 0.5 = 1000.00
    # C: band x 4000-5000 (1,000,000) + right half disc = 1,392,699 -> 1000 x 0.348175 = 348.17
    result = population_near(LineString([(1000, 1000), (5000, 1000)]), distance_km=0.5, crs="EPSG:27700",
                             lsoas=lsoas)
    end_share = (1_000_000 + HALF_DISC_500) / LSOA_AREA
    expected = {1: 4000 * end_share, 5: 2000 * 0.5, 10: 1000 * end_share}
    assert expected == pytest.approx({1: 1392.699, 5: 1000.0, 10: 348.175}, abs=1e-3)
    assert _by_decile(result) == pytest.approx(expected, rel=TOL)
    assert result.total_population == pytest.approx(2740.874, rel=TOL)
    assert result.most_deprived_share == pytest.approx(1392.699 / 2740.874, rel=TOL)  # 0.5081
    assert result.table["share"].sum() == pytest.approx(1.0)
    assert result.table["decile"].tolist() == list(range(1, 11))


def test_buffer_inside_one_lsoa(lsoas):
    # Point (1000, 1000), 500 m: the whole disc is in A: 4000 x 785,398 / 4,000,000 = 785.40.
    result = population_near(Point(1000, 1000), distance_km=0.5, crs="EPSG:27700", lsoas=lsoas)
    assert _by_decile(result) == pytest.approx({1: 785.398}, rel=TOL)
    assert result.sentence() == ("About 790 residents live within 0.5 km; 100% of them live in the most deprived "
                                 "20% of England.")


def test_geometry_in_wgs84_is_measured_in_metres(lsoas):
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(2000, 1000)
    result = population_near(Point(lon, lat), distance_km=0.5, lsoas=lsoas.to_crs("EPSG:4326"))
    assert result.total_population == pytest.approx(589.049, rel=2e-3)


def test_nobody_nearby(lsoas):
    result = population_near(Point(50_000, 50_000), distance_km=1, crs="EPSG:27700", lsoas=lsoas)
    assert result.total_population == 0 and result.most_deprived_share is None
    assert result.sentence() == "No residents found within 1 km (LSOA data covers England only)."


def test_group_summary_unions_buffers_so_nobody_is_counted_twice(lsoas):
    # Two sites 200 m apart, both well inside A: their 500 m discs overlap. Counted separately they would give
    # 2 x 785.40; the union is smaller than that and larger than one disc.
    frame = gpd.GeoDataFrame({"id": ["s1", "s2"]}, geometry=[Point(900, 1000), Point(1100, 1000)], crs="EPSG:27700")
    summary = group_summary(frame, distance_km=0.5, noun="location", noun_plural="locations", lsoas=lsoas)
    # Union of two r=500 discs 200 m apart = 2*pi*r^2 - lens; lens = 2 r^2 acos(d/2r) - (d/2) sqrt(4r^2 - d^2).
    r, d = 500.0, 200.0
    lens = 2 * r**2 * math.acos(d / (2 * r)) - (d / 2) * math.sqrt(4 * r**2 - d**2)
    union = 2 * math.pi * r**2 - lens  # 981,163 m²
    assert summary.nearby.total_population == pytest.approx(4000 * union / LSOA_AREA, rel=TOL)  # 981.16
    assert summary.count == 2
    assert summary.sentence() == ("2 locations; 100% of residents within 0.5 km (about 980 people) live in the most "
                                  "deprived 20% of England.")


def test_group_summary_counts_a_line_and_its_stops_as_one_scheme(lsoas):
    # A schematic line with its two stops: one scheme. Distance is measured from the stops (1000,1000) and
    # (5000,1000), not the straight segment: A gets a whole disc (785.40), C a whole disc (196.35), B nothing.
    line = LineString([(1000, 1000), (5000, 1000)])
    frame = gpd.GeoDataFrame(
        {"id": ["l-1-2", "stop-1", "stop-2", "station"], "line_id": ["L", "L", "L", ""],
         "schematic": [True, False, False, False]},
        geometry=[line, Point(1000, 1000), Point(5000, 1000), Point(5000, 1000)], crs="EPSG:27700")
    summary = group_summary(frame, distance_km=0.5, lsoas=lsoas)
    assert summary.count == 2  # line L and the station
    assert _by_decile(summary.nearby) == pytest.approx({1: 4000 * DISC_500 / LSOA_AREA,
                                                        10: 1000 * DISC_500 / LSOA_AREA}, rel=TOL)
    assert summary.nearby.most_deprived_share == pytest.approx(0.8, rel=TOL)
    assert summary.sentence().startswith("2 schemes; 80% of residents within 0.5 km (about 980 people)")


def test_catchment_of_a_schematic_line_is_its_stops():
    line = LineString([(0, 0), (10, 0), (10, 5)])
    assert catchment(line, schematic=True).geom_type == "MultiPoint"
    assert len(catchment(line, schematic=True).geoms) == 3
    assert catchment(line).equals(line)
    assert catchment(Point(1, 1), schematic=True).equals(Point(1, 1))


def test_empty_group(lsoas):
    frame = gpd.GeoDataFrame({"id": []}, geometry=[], crs="EPSG:27700")
    assert group_summary(frame, lsoas=lsoas).sentence() == "No schemes in this area."


@pytest.mark.parametrize("distance", [0.5, 1, 2.5, 5, 5.0])
def test_allowed_distances(distance):
    assert check_distance(distance) == float(distance)


@pytest.mark.parametrize(
    "distance, message",
    [
        (0.4, r"Distance 0.4 km is out of range: choose a distance from 0.5 km to 5 km"),
        (5.01, r"Distance 5.01 km is out of range"),
        (0, r"Distance 0 km is out of range"),
        (-1, r"Distance -1 km is out of range"),
        (float("nan"), r"Distance nan km is out of range"),
        (float("inf"), r"Distance inf km is out of range"),
        ("1", r"Distance must be a number of kilometres from 0.5 to 5, not '1'"),
        (None, r"not None"),
        (True, r"not True"),
    ],
)
def test_distance_outside_the_allowed_range_is_refused(distance, message, lsoas):
    with pytest.raises(ParameterError, match=message):
        population_near(Point(1000, 1000), distance_km=distance, crs="EPSG:27700", lsoas=lsoas)


def test_lsoa_table_without_population_is_refused(lsoas):
    with pytest.raises(ParameterError, match=r"lacks column\(s\) \['population'\]"):
        population_near(Point(1000, 1000), crs="EPSG:27700", lsoas=lsoas.drop(columns="population"))


@pytest.mark.skipif(not DATA.exists(), reason="data/indicators/lsoa.parquet not built")
def test_summary_sentence_for_the_west_midlands_from_real_data():
    summary = overlay_summary("transport_schemes", "E47000007")
    assert summary.count > 10 and summary.nearby.total_population > 100_000
    assert summary.nearby.table["population"].sum() == pytest.approx(summary.nearby.total_population)
    assert summary.sentence().startswith(f"{summary.count} schemes; ")
    assert "% of residents within 1 km (about " in summary.sentence()
    assert summary.sentence().endswith("live in the most deprived 20% of England.")
