"""Hex maps: England's districts on Open Innovations' layout, ward layouts per region, groups, labels, and the API.

Shipped products (``data/hex/``) are checked against the shipped boundaries and indicators, and against the raw
HexJSON when ``../shared/data/raw`` is present (skipped cleanly otherwise). The builder runs on small fixtures:
synthetic HexJSON files written to ``tmp_path`` over a few shipped districts, and one combined authority's wards.
"""

from __future__ import annotations

import json
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely

import mapkit
from mapkit.data.products import DATA_DIR
from mapkit.errors import ParameterError, ProductError, RawDataError, UnknownNameError
from mapkit.data.hexes import (GROUPS_PRODUCT, LABELS_PRODUCT, LAYOUT_PRODUCT, METADATA_KEY, hex_attribution, hex_groups,
                          hex_labels, hex_layout, hex_neighbours, hex_problem)
from mapkit.pipeline.hexmaps import (DECIMALS, HexGrid, adjacent, district_layout, hex_products, kept_neighbours,
                                     neighbour_pairs, read_hexjson, validate_hexmaps, ward_layouts, write_products)
from mapkit.pipeline.raw import DEFAULT_RAW
from mapkit.web.encode import SCALE, encode_geometry

ENGLAND = "E92000001"
TEES_VALLEY = "E47000006"
BIRMINGHAM = "E08000025"
REGISTRY = mapkit.registry()
CAS = sorted(mapkit.load_boundaries("ca")["code"])
RAW_HEXJSON = DEFAULT_RAW / REGISTRY.source_file("hexmaps.lad").path
CA_THRESHOLD = 0.55
"""Least share of a combined authority's neighbouring ward pairs that must stay adjacent hexagons. Measured: 57.0%
(West of England) to 70.5% (West Midlands), 62.3% over all 15; Open Innovations' hand-made district layout keeps
59.7% of England's neighbouring district pairs adjacent."""
DISTRICT_THRESHOLD = 0.60
"""Least share over all 296 district ward layouts together (measured 66.8%; single small districts vary more)."""


def mercator(frame: gpd.GeoDataFrame) -> np.ndarray:
    return frame.to_crs(3857).geometry.values


def ward_regions() -> list[str]:
    return [*CAS, *sorted(mapkit.load_boundaries("lad")["code"])]


# --- the district layout --------------------------------------------------------------------------------------

def test_every_england_district_has_exactly_one_cell():
    hexes = hex_layout("lad")
    districts = mapkit.load_boundaries("lad")
    assert len(hexes) == 296 and set(hexes["code"]) == set(districts["code"])
    assert hexes["code"].is_unique and not hexes.duplicated(["q", "r"]).any()
    names = districts.set_index("code")["name"]
    assert (hexes.set_index("code")["name"] == names.loc[hexes["code"]]).all()
    assert hexes.crs.to_epsg() == 4326


@pytest.mark.skipif(not RAW_HEXJSON.is_file(), reason=f"needs the raw HexJSON at {RAW_HEXJSON}")
def test_each_district_sits_in_its_hexjson_cell():
    raw = json.loads(RAW_HEXJSON.read_text(encoding="utf-8"))
    assert raw["layout"] == "odd-r"
    hexes = hex_layout("lad").set_index("code")
    cells = {code: (cell["q"], cell["r"]) for code, cell in raw["hexes"].items() if code in hexes.index}
    assert len(cells) == 296
    assert {code: (int(row.q), int(row.r)) for code, row in hexes.iterrows()} == cells


def test_districts_keep_their_combined_authority():
    hexes = hex_layout("lad").set_index("code")
    districts = mapkit.load_boundaries("lad").set_index("code")
    pd.testing.assert_series_equal(hexes["ca_code"], districts.loc[hexes.index, "ca_code"])
    assert hexes.loc[BIRMINGHAM, "ca_name"] == "West Midlands"
    assert len(hex_layout("lad", TEES_VALLEY)) == 5 and list(hex_layout("lad", BIRMINGHAM)["code"]) == [BIRMINGHAM]


def layouts() -> list[tuple[str, str]]:
    return [("lad", ENGLAND), ("ward", "E47000001"), ("ward", "E47000013"), ("ward", BIRMINGHAM),
            ("ward", "E09000001")]  # City of London: the smallest hexagons


@pytest.mark.parametrize("level, region", layouts())
def test_hexagons_are_regular_and_equal_in_web_mercator(level, region):
    """Six equal sides and 120-degree corners on a Web Mercator map; every hexagon of a layout the same size. The
    tolerance is the 1e-5 degree rounding (under 2 m in Web Mercator) against sides of 300 m or more."""
    geoms = mercator(hex_layout(level, region))
    rings = shapely.get_coordinates(shapely.get_exterior_ring(geoms)).reshape(len(geoms), 7, 2)
    sides = np.linalg.norm(np.diff(rings, axis=1), axis=2)
    size = np.median(sides)
    assert size > 300 and np.abs(sides - size).max() < 3.0
    centres = rings[:, :6].mean(axis=1)
    radii = np.linalg.norm(rings[:, :6] - centres[:, None], axis=2)
    assert np.abs(radii - size).max() < 3.0  # a regular hexagon's circumradius equals its side
    assert np.allclose(rings[:, 0, 0], centres[:, 0], atol=2.0)  # pointy-topped: the first corner is straight up


@pytest.mark.parametrize("level, region", layouts())
def test_hexagons_tile_without_overlaps_or_gaps(level, region):
    frame = hex_layout(level, region)
    geoms = frame.geometry.values
    assert shapely.is_valid(geoms).all() and shapely.coverage_is_valid(geoms)
    merc = mercator(frame)
    assert shapely.area(merc).sum() == pytest.approx(shapely.union_all(merc).area, rel=1e-9)


def test_adjacent_cells_are_hexagons_sharing_an_edge():
    frame = hex_layout("ward", "E47000001")
    q, r = frame["q"].to_numpy(), frame["r"].to_numpy()
    edge = neighbour_pairs(frame.geometry.values)
    assert len(edge) > 400
    assert adjacent("odd-r", q[edge[:, 0]], r[edge[:, 0]], q[edge[:, 1]], r[edge[:, 1]]).all()
    touching = adjacent("odd-r", q[:, None], r[:, None], q[None, :], r[None, :])
    assert touching.sum() == 2 * len(edge)


def test_combined_authority_groups_are_the_union_of_their_districts():
    groups = hex_groups("lad")
    assert sorted(groups["code"]) == CAS
    for code, geom in zip(groups["code"], groups.geometry):
        districts = hex_layout("lad", code)
        assert geom.equals(shapely.union_all(districts.geometry.values)), code
        assert geom.area == pytest.approx(shapely.area(districts.geometry.values).sum(), rel=1e-9)
    assert list(hex_groups("lad", BIRMINGHAM)["code"]) == ["E47000007"]
    assert hex_groups("lad", "E09000001").empty  # London is no combined authority


def test_display_coordinates_lie_over_england_and_on_the_codec_grid():
    hexes = hex_layout("lad")
    minx, miny, maxx, maxy = hexes.total_bounds
    e_minx, e_miny, e_maxx, e_maxy = mapkit.load_boundaries("lad").total_bounds
    assert e_minx - 0.5 <= minx and maxx <= e_maxx + 0.5 and e_miny - 0.5 <= miny and maxy <= e_maxy + 0.5
    coords = shapely.get_coordinates(hexes.geometry.values)
    assert np.allclose(coords, np.round(coords, DECIMALS), atol=1e-12)
    assert 10 ** DECIMALS == SCALE


def test_the_web_map_decodes_the_hexagons_exactly():
    from js_decode import decode_payload

    hexes = hex_layout("lad", TEES_VALLEY)
    scale, areas = decode_payload(encode_geometry(hexes, parent_column="ca_name").json)
    for geom, area in zip(hexes.geometry, areas):
        assert len(area) == 1 and len(area[0]) == 1
        assert np.allclose(np.array(area[0][0]), shapely.get_coordinates(geom)[:6], atol=0.1 / scale)


# --- ward layouts -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ward_hexes() -> gpd.GeoDataFrame:
    return gpd.read_parquet(DATA_DIR / LAYOUT_PRODUCT["ward"])


def test_every_ward_of_each_region_has_exactly_one_cell(ward_hexes):
    wards = mapkit.load_boundaries("ward")
    assert set(ward_hexes["region"]) == set(ward_regions())
    for region, rows in ward_hexes.groupby("region"):
        expected = wards.loc[(wards["ca_code"] == region) | (wards["lad_code"] == region), "code"]
        assert sorted(rows["code"]) == sorted(expected), region
        assert not rows.duplicated(["q", "r"]).any(), region
    assert len(ward_hexes) == 6817 + int(wards["ca_code"].notna().sum())


def test_ward_rows_keep_their_parents(ward_hexes):
    wards = mapkit.load_boundaries("ward").set_index("code")
    rows = hex_layout("ward", "E47000003").set_index("code")
    for column in ("name", "lad_code", "lad_name", "ca_code", "ca_name"):
        assert (rows[column] == wards.loc[rows.index, column]).all(), column


def test_ward_layout_of_england_is_refused_with_the_fix():
    with pytest.raises(ParameterError, match="per combined authority and per district"):
        hex_layout("ward", ENGLAND)


def preserved(region: str) -> tuple[int, int]:
    layout = hex_layout("ward", region)
    wards = mapkit.load_boundaries("ward", region).set_index("code").loc[layout["code"]]
    pairs = neighbour_pairs(wards.geometry.values)
    return kept_neighbours("odd-r", layout["q"].to_numpy(), layout["r"].to_numpy(), pairs), len(pairs)


@pytest.mark.parametrize("region", CAS)
def test_most_neighbouring_wards_stay_neighbours(region):
    kept, pairs = preserved(region)
    assert pairs > 100 and kept / pairs >= CA_THRESHOLD


def test_district_ward_layouts_keep_most_neighbours_overall():
    totals = np.array([preserved(code) for code in sorted(mapkit.load_boundaries("lad")["code"])])
    kept, pairs = totals.sum(axis=0)
    assert pairs > 14_000 and kept / pairs >= DISTRICT_THRESHOLD


def test_build_report_records_the_figures_the_products_show():
    report = json.loads((DATA_DIR / "build_report.json").read_text(encoding="utf-8"))["hexmaps"]
    assert report["lad"]["districts_with_cell"] == 296 and report["lad"]["districts_without_cell"] == []
    assert report["lad"]["english_cells_not_districts"] == [] and report["lad"]["cells_outside_england"] == 65
    figures = report["ward"]["regions"]["E47000007"]
    assert (figures["neighbours_adjacent"], figures["neighbour_pairs"]) == preserved("E47000007")


def test_ward_layouts_are_deterministic_and_reproduce_the_shipped_ones(ward_hexes):
    def regions(frame):
        return [(TEES_VALLEY, "Tees Valley", (frame["ca_code"] == TEES_VALLEY).to_numpy()),
                ("E06000001", "Hartlepool", (frame["lad_code"] == "E06000001").to_numpy())]

    wards = mapkit.load_boundaries("ward")
    shuffled = wards.sample(frac=1.0, random_state=3)  # the order of the input does not matter
    first, report = ward_layouts(wards, regions(wards))
    second, _ = ward_layouts(shuffled, regions(shuffled))
    pd.testing.assert_frame_equal(first, second)
    shipped = ward_hexes[ward_hexes["region"].isin([TEES_VALLEY, "E06000001"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(first.drop(columns="geometry"), shipped.drop(columns="geometry"))
    assert first.geometry.geom_equals_exact(shipped.geometry, tolerance=0).all()
    assert report[TEES_VALLEY]["wards"] == 103


def test_ward_groups_are_the_districts_as_unions_of_their_wards():
    groups = hex_groups("ward", "E47000002").set_index("code")
    layout = hex_layout("ward", "E47000002")
    assert sorted(groups.index) == sorted(layout["lad_code"].unique())
    for code, rows in layout.groupby("lad_code"):
        assert groups.loc[code, "geometry"].equals(shapely.union_all(rows.geometry.values)), code
        assert groups.loc[code, "name"] == rows["lad_name"].iloc[0]


# --- labels -----------------------------------------------------------------------------------------------------

def test_labels_rank_districts_by_census_2021_residents():
    labels = hex_labels("lad")
    population = mapkit.indicator_table("population", "lad").set_index("code")["value"]
    assert len(labels) == 296 and list(labels["rank"]) == list(range(1, 297))
    assert (labels.set_index("code")["population"] == population.loc[labels["code"]]).all()
    assert labels["population"].is_monotonic_decreasing
    assert list(hex_labels("lad", n=2)["name"]) == ["Birmingham", "Leeds"]
    assert list(hex_labels("lad", "E47000001", n=1)["name"]) == ["Manchester"]


def test_each_label_sits_on_its_own_hexagon():
    hexes = hex_layout("lad").set_index("code")
    for code, point in zip(hex_labels("lad")["code"], hex_labels("lad").geometry):
        assert hexes.loc[code, "geometry"].contains(point)
    wards = hex_layout("ward", "E47000007")
    labels = hex_labels("ward", "E47000007")
    assert sorted(labels["code"]) == sorted(wards["lad_code"].unique())
    for code, point in zip(labels["code"], labels.geometry):
        assert shapely.union_all(wards.loc[wards["lad_code"] == code].geometry.values).contains(point), code


def test_label_count_must_be_a_whole_number():
    with pytest.raises(ParameterError, match="whole number of labels"):
        hex_labels("lad", n=-1)


# --- attribution and metadata ------------------------------------------------------------------------------------

@pytest.mark.parametrize("product", [*LAYOUT_PRODUCT.values(), GROUPS_PRODUCT, LABELS_PRODUCT])
def test_each_product_says_it_is_a_layout_and_credits_open_innovations(product):
    meta = json.loads(pq.read_schema(DATA_DIR / product).metadata[METADATA_KEY])
    assert meta["attribution"] == hex_attribution() == "Hex layout: Open Innovations (MIT licence)"
    assert "not geography" in meta["description"] and "Web Mercator" in meta["description"]


def test_attribution_file_credits_the_layout_and_carries_its_licence_notice():
    text = (DATA_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Hex layout: Open Innovations (MIT licence)" in text
    assert "Copyright (c) 2017- Open Innovations" in text and "Permission is hereby granted" in text
    assert "296 of 296 districts matched by code; without a cell: none" in text


# --- the API on a damaged or missing product ----------------------------------------------------------------------

@pytest.fixture
def data_copy(tmp_path):
    for product in (REGISTRY.boundary("ca").product, REGISTRY.boundary("lad").product,
                    *LAYOUT_PRODUCT.values(), GROUPS_PRODUCT, LABELS_PRODUCT):
        (tmp_path / product).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DATA_DIR / product, tmp_path / product)
    return tmp_path


def test_missing_product_gives_the_rebuild_command(data_copy):
    (data_copy / LAYOUT_PRODUCT["lad"]).unlink()
    with pytest.raises(ProductError, match=r"hex/lad.parquet is missing.*build-data --out"):
        hex_layout("lad", data_dir=data_copy)


def test_damaged_product_gives_the_rebuild_command(data_copy):
    (data_copy / GROUPS_PRODUCT).write_bytes(b"not parquet")
    with pytest.raises(ProductError, match=r"groups.parquet is damaged.*build-data --out"):
        hex_groups("lad", data_dir=data_copy)


def test_product_without_its_columns_is_damaged(data_copy):
    labels = gpd.read_parquet(data_copy / LABELS_PRODUCT).drop(columns="rank")
    labels.to_parquet(data_copy / LABELS_PRODUCT)
    with pytest.raises(ProductError, match=r"labels.parquet is damaged \(column\(s\) rank are missing\)"):
        hex_labels("lad", data_dir=data_copy)


@pytest.mark.parametrize("call, error, message", [
    (lambda: hex_layout("lsoa"), UnknownNameError, "hex maps are made for 'lad' and 'ward'"),
    (lambda: hex_groups("ward", "E99999999"), UnknownNameError, "Unknown region 'E99999999'"),
    (lambda: hex_labels("ward", ENGLAND), ParameterError, "per combined authority and per district"),
])
def test_bad_arguments_say_what_to_use(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- where a hex map is made, and how many neighbours its layout keeps --------------------------------------------

@pytest.mark.parametrize("level, region, problem", [
    ("lad", ENGLAND, None), ("lad", TEES_VALLEY, None), ("lad", BIRMINGHAM, None),
    ("ward", TEES_VALLEY, None), ("ward", BIRMINGHAM, None),
    ("ward", ENGLAND, "per combined authority and per district"),
    ("ca", ENGLAND, "made of districts and of wards, not of combined authorities"),
    ("lsoa", BIRMINGHAM, "made of districts and of wards, not of LSOAs"),
])
def test_hex_problem_says_where_there_is_no_hex_map(level, region, problem):
    found = hex_problem(level, region)
    assert found is None if problem is None else problem in found
    if problem is None:  # where there is a hex map, it has one hexagon per area of the view
        assert set(hex_layout(level, region)["code"]) == set(mapkit.load_boundaries(level, region)["code"])


def test_kept_neighbours_are_the_build_reports():
    report = json.loads((DATA_DIR / "build_report.json").read_text(encoding="utf-8"))["hexmaps"]
    england = hex_neighbours("lad", TEES_VALLEY)  # districts keep their place in England's layout
    assert (england.kept, england.pairs, england.computed) == (447, 749, False)
    wards = hex_neighbours("ward", "E47000007")
    assert (wards.kept, wards.pairs, wards.computed) == (354, 502, True)
    assert round(wards.share, 3) == 0.705
    for region, figures in report["ward"]["regions"].items():
        kept = hex_neighbours("ward", region)
        if figures.get("neighbour_pairs"):
            assert (kept.kept, kept.pairs) == (figures["neighbours_adjacent"], figures["neighbour_pairs"])
        else:
            assert kept is None  # e.g. the Isles of Scilly, whose wards share no boundary


@pytest.mark.parametrize("report", [None, "{not json", '{"hexmaps": {"lad": {"neighbour_pairs": "749"}}}'])
def test_kept_neighbours_are_missing_without_a_report(data_copy, report):
    if report is not None:
        (data_copy / "build_report.json").write_text(report, encoding="utf-8")
    assert hex_neighbours("lad", data_dir=data_copy) is None


# --- the builder on small fixtures ---------------------------------------------------------------------------------

FIXTURE_CELLS = {  # Tees Valley's five districts on a made-up layout that keeps their real arrangement
    "E06000001": {"n": "Hartlepool", "q": 1, "r": 2},
    "E06000004": {"n": "Stockton-on-Tees", "q": 0, "r": 1},
    "E06000002": {"n": "Middlesbrough", "q": 1, "r": 1},
    "E06000003": {"n": "Redcar & Cleveland", "q": 2, "r": 1},
    "E06000005": {"n": "Darlington", "q": -1, "r": 0},
    "E07000999": {"n": "Abolished district", "q": 3, "r": 0},
    "W06000001": {"n": "Isle of Anglesey", "q": -5, "r": 0},
}


@pytest.fixture
def fixture_lad() -> gpd.GeoDataFrame:
    return mapkit.load_boundaries("lad", TEES_VALLEY).reset_index(drop=True)


def write_hexjson(path, cells, layout="odd-r"):
    path.write_text(json.dumps({"layout": layout, "hexes": cells}), encoding="utf-8")
    return path


def test_builder_matches_codes_and_reports_every_cell_it_cannot_use(tmp_path, fixture_lad):
    cells = {k: v for k, v in FIXTURE_CELLS.items() if k != "E06000005"}  # Darlington has no cell
    layout, frame = read_hexjson(write_hexjson(tmp_path / "l.hexjson", cells))
    hexes, grid, report = district_layout(layout, frame, fixture_lad)
    assert sorted(hexes["code"]) == ["E06000001", "E06000002", "E06000003", "E06000004"]
    assert [d["code"] for d in report["districts_without_cell"]] == ["E06000005"]
    assert "rather than given an invented cell" in report["districts_without_cell"][0]["reason"]
    assert [d["code"] for d in report["english_cells_not_districts"]] == ["E07000999"]
    assert report["cells_outside_england"] == 1
    assert report["names_differ"] == [{"code": "E06000003", "ons": "Redcar and Cleveland",
                                       "hexjson": "Redcar & Cleveland"}]
    assert hexes.set_index("code").loc["E06000003", "name"] == "Redcar and Cleveland"  # ONS's name is shown


def test_builder_products_on_a_fixture_region(tmp_path, fixture_lad):
    hexjson = write_hexjson(tmp_path / "l.hexjson", FIXTURE_CELLS)
    wards = mapkit.load_boundaries("ward", TEES_VALLEY)
    population = mapkit.indicator_table("population", "lad").set_index("code")["value"]
    built = hex_products(hexjson, fixture_lad, wards, population)
    assert sorted(built.ward["region"].unique()) == sorted([TEES_VALLEY, *fixture_lad["code"]])
    assert list(built.groups.query("level == 'lad'")["code"]) == [TEES_VALLEY]
    top = built.labels.query("level == 'lad'").iloc[0]
    assert top["name"] == "Stockton-on-Tees" and top["population"] == population["E06000004"]
    written = write_products(built, tmp_path / "data", attribution="credit")
    assert [p.relative_to(tmp_path / "data").as_posix() for p in written] == [
        LAYOUT_PRODUCT["lad"], LAYOUT_PRODUCT["ward"], GROUPS_PRODUCT, LABELS_PRODUCT]
    validate_hexmaps(tmp_path / "data", built.report)
    gpd.read_parquet(tmp_path / "data" / LAYOUT_PRODUCT["ward"]).iloc[:-1].to_parquet(
        tmp_path / "data" / LAYOUT_PRODUCT["ward"])
    with pytest.raises(RawDataError, match=r"Staged hex/ward.parquet failed validation .*data/ was left unchanged"):
        validate_hexmaps(tmp_path / "data", built.report)


def test_the_same_hexjson_gives_the_same_grid_and_corners(tmp_path, fixture_lad):
    hexjson = write_hexjson(tmp_path / "l.hexjson", FIXTURE_CELLS)
    first = district_layout(*read_hexjson(hexjson), fixture_lad)
    second = district_layout(*read_hexjson(hexjson), fixture_lad.iloc[::-1])
    assert first[1] == second[1]
    pd.testing.assert_frame_equal(first[0], second[0])


@pytest.mark.parametrize("content, message", [
    ("{not json", "not a readable HexJSON file"),
    ('{"layout": "odd-r"}', 'no "hexes" object'),
    ('{"layout": "odd-q", "hexes": {"E06000001": {"q": 0, "r": 0}}}', "layout 'odd-q' is not supported"),
    ('{"layout": "odd-r", "hexes": {"E06000001": {"q": "0", "r": 0}}}', "needs integer q and r|need integer q and r"),
    ('{"layout": "odd-r", "hexes": {"E06000001": {"q": 0, "r": 0}, "E06000002": {"q": 0, "r": 0}}}',
     "several codes share one cell: E06000001 \\(0, 0\\), E06000002 \\(0, 0\\)"),
])
def test_bad_hexjson_stops_with_the_fix(tmp_path, content, message):
    path = tmp_path / "bad.hexjson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RawDataError, match=message):
        read_hexjson(path)


def test_missing_hexjson_names_the_file(tmp_path):
    with pytest.raises(RawDataError, match="file not found"):
        read_hexjson(tmp_path / "absent.hexjson")


def test_upside_down_layout_is_refused(tmp_path, fixture_lad):
    flipped = {k: {**v, "r": -v["r"]} for k, v in FIXTURE_CELLS.items()}
    with pytest.raises(RawDataError, match="r does not grow northwards"):
        district_layout(*read_hexjson(write_hexjson(tmp_path / "l.hexjson", flipped)), fixture_lad)


@pytest.mark.parametrize("layout, shifted", [("odd-r", 1), ("even-r", 0)])
def test_neighbours_follow_the_hexjson_offset_rule(layout, shifted):
    """In a row shunted right, a cell's neighbours above and below are itself and the next column; otherwise
    itself and the previous one."""
    for r in (shifted, 1 - shifted, shifted + 2, -1 - (1 - shifted)):
        up = [0, 1] if (r % 2) == shifted else [-1, 0]
        found = sorted(q for q in range(-2, 3) if adjacent(layout, 0, r, q, r + 1))
        assert found == up, (layout, r)
        assert adjacent(layout, 0, r, 1, r) and not adjacent(layout, 0, r, 2, r)


def test_neighbouring_hexagons_share_identical_corners():
    grid = HexGrid(1234.5, "odd-r", 10.0, 6_800_000.0)
    a, b = grid.hexagons(np.array([0, 0]), np.array([0, 1]))
    shared = {tuple(c) for c in shapely.get_coordinates(a)} & {tuple(c) for c in shapely.get_coordinates(b)}
    assert len(shared) == 2
