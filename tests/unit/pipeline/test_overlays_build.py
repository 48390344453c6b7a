"""Overlay data: the shipped layers/overlays/*.geojson, the build step that makes them, and its declarations.

Tests marked ``needs_reference`` read ../shared/reference/overlays_research.csv and skip cleanly without it; the
shipped GeoJSON is always tested. District checks report, never move, a point: documented exceptions are listed
below and run as strict xfails, so a fixed point fails loudly until it is taken off the list.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from mapkit.pipeline.overlays import (
    DEFAULT_REFERENCE,
    SCHEMATIC_NOTE,
    build_overlays,
    district_check,
    stated_districts,
)
from mapkit.cli import main
from mapkit.errors import RawDataError, SpecError
from mapkit.specs.registry import LAYERS_DIR, load_overlay_declarations, overlay_declarations, overlay_specs
from mapkit.text.markup import safe_url

DECLARATIONS = overlay_declarations()
SPECS = overlay_specs()
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-output"
LAD_PRODUCT = Path(__file__).resolve().parents[3] / "data" / "boundaries" / "lad.parquet"

needs_reference = pytest.mark.skipif(not DEFAULT_REFERENCE.exists(),
                                     reason=f"research file {DEFAULT_REFERENCE} not present")
needs_boundaries = pytest.mark.skipif(not LAD_PRODUCT.exists(), reason="data/boundaries/lad.parquet not built")

# Points that lie outside the district they state and its neighbours. None today: the research names the
# district a point is in (e.g. "Warwick (non-constituent; adj. Coventry)" for the Coventry Airport site).
EXPECTED_DISTRICT_EXCEPTIONS: dict[str, str] = {}
# Points that lie outside their own combined authority's boundary, with the reason they are kept.
EXPECTED_CA_EXCEPTIONS: dict[str, str] = {
    "WM Investment Zone: Coventry-Warwick Gigapark (Coventry Airport)":
        "Investment Zone site at Coventry Airport, Baginton: in Warwick district, just outside the WMCA "
        "constituent area (README: 'in Warwick District, just outside Coventry').",
}


def _collection(overlay_id: str) -> dict:
    return json.loads(SPECS[overlay_id].path().read_text(encoding="utf-8"))


COLLECTIONS = {overlay_id: _collection(overlay_id) for overlay_id in SPECS}
POINTS = [(gid, f) for gid, c in COLLECTIONS.items() for f in c["features"] if f["geometry"]["type"] == "Point"]


def _research_rows() -> list[dict[str, str]]:
    with DEFAULT_REFERENCE.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _declared_points() -> dict[str, list[float]]:
    """[lon, lat] of the rows whose research coordinate is replaced by a declared one (test_overlay_coordinates)."""
    with (LAYERS_DIR / "overlays" / "metro_stop_coordinates.csv").open(encoding="utf-8", newline="") as fh:
        return {r["name"]: [float(r["lon"]), float(r["lat"])] for r in csv.DictReader(fh) if r["lat"]}


# --- declarations ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("overlay_id", list(SPECS))
def test_every_overlay_is_fully_declared_and_shipped(overlay_id):
    spec = SPECS[overlay_id]
    assert spec.label and spec.description and spec.source and spec.licence and spec.attribution
    assert spec.path().is_file(), f"{spec.file} missing: run python -m mapkit build-overlays"
    drawn = {f["geometry"]["type"] for f in COLLECTIONS[overlay_id]["features"]}
    assert drawn and drawn <= set(spec.geometry_types)


@pytest.fixture
def layers_copy(tmp_path):
    target = tmp_path / "layers"
    target.mkdir()
    shutil.copy(LAYERS_DIR / "overlays.toml", target / "overlays.toml")
    return target


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('noun_plural = "locations"\n', "", r"Overlay 'growth_locations' in layers/ is missing noun_plural"),
        ('attribution = "Growth locations: project research from the sources cited in each popup; statuses as of '
         'the date shown."', 'attribution = ""', r"Overlay 'growth_locations' in layers/ is missing attribution"),
        ('geometry_types = ["Point", "MultiPolygon"]', 'geometry_types = ["Polygon"]', r"geometry type\(s\) \['Polygon'\]"),
        ('file = "overlays/growth_locations.geojson"', 'file = "overlays/growth.csv"', "must be a .geojson path"),
        ('category = "proposed"\nwhy = "provisional', 'category = "maybe"\nwhy = "provisional',
         "has category 'maybe'"),
        ('"proposed" = "Proposed"\n', "", r"missing \['proposed'\]"),
        ('id = "transport_schemes"', 'id = "growth_locations"', "declared twice"),
        ('label = "Growth locations"', 'label = "Growth locations"\ncolour = "red"',
         r"unknown field\(s\) \['colour'\]"),
    ],
)
def test_broken_overlay_declarations_are_named(layers_copy, old, new, message):
    path = layers_copy / "overlays.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecError, match=message):
        load_overlay_declarations(layers_copy)


@pytest.mark.parametrize(
    "status, category",
    [
        ("open", "open"),
        ("open (phase 1; passenger service planned autumn 2025)", "open"),  # earliest keyword wins
        ("committed; construction expected to open end-2027", "planned"),
        ("under construction; opening 2026", "under construction"),
        ("City Centre Demonstrator approved Jan 2026 (800 m twin track, complete by Apr 2027); Route 1 proposed",
         "planned"),
        ("phase 1 complete (2022); phase 2 from 2024", "open"),
        ("designated (live from Apr 2024)", "planned"),
        ("proposed reopening (council 125-yr lease)", "proposed"),  # "reopening" is not "open"
        ("provisional (2017 list)", "proposed"),
        ("prospectus scheme", "proposed"),
        ("prospectus scheme (largely built)", "open"),  # exact override
        ("PROSPECTUS  Scheme (Largely Built)", "open"),
        ("planned; services delayed to late 2030s (Dec 2025); spades target 2028", "planned"),
        ("delayed to early 2026 (not confirmed open)", "unclassified"),
        ("shelved/unfunded (Merry Hill-Brierley Hill section, Jul 2024)", "unclassified"),
        ("announced; superseded by 3 Growth Zones + Investment Zone (Dec 2023)", "unclassified"),
        ("ongoing", "unclassified"),
        ("", "unclassified"),
    ],
)
def test_status_text_maps_to_a_category(status, category):
    assert DECLARATIONS.status.classify(status)[0] == category


# --- shipped GeoJSON ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("overlay_id", list(SPECS))
def test_every_feature_has_source_status_and_district(overlay_id):
    order = DECLARATIONS.status.order
    for feature in COLLECTIONS[overlay_id]["features"]:
        props = feature["properties"]
        for key in ("name", "kind", "subtype", "status", "confidence", "lad", "ca", "source_title", "source_url"):
            assert props[key], f"{props['name']}: {key} empty"
        assert "status_date" in props and "notes" in props
        assert props["status_category"] in order
        assert props["kind"] == SPECS[overlay_id].kind
        urls = props["source_url"].split(" ; ")
        assert len(urls) == len(props["source_title"].split(" ; "))
        assert all(safe_url(u) for u in urls), f"{props['name']}: a source URL is not http(s)"


@pytest.mark.parametrize("overlay_id", list(SPECS))
def test_not_mapped_entries_say_why(overlay_id):
    for entry in COLLECTIONS[overlay_id]["not_mapped"]:
        assert entry["name"] and entry["reason"] and entry["source_url"] and entry["status"]


def test_zone_points_are_labelled_approximate():
    for feature in COLLECTIONS["growth_locations"]["features"]:
        props = feature["properties"]
        if props.get("zone"):
            assert feature["geometry"]["type"] == "MultiPolygon"  # drawn from its wards: tests/unit/analysis/test_zones.py
            continue
        assert feature["geometry"]["type"] == "Point"
        assert props["approximate_location"] is True and props["location_label"] == "approximate location"
        assert "not its centroid" in props["location_note"]


def test_corridor_anchors_are_flagged():
    features = COLLECTIONS["transport_schemes"]["features"]
    anchors = [f for f in features if f["properties"]["subtype"].endswith("_anchor")]
    assert anchors
    assert all(f["properties"]["corridor_anchor"] and f["properties"]["approximate_location"] for f in anchors)
    anchor_lines = {f["properties"]["line_id"] for f in anchors}
    for feature in COLLECTIONS["transport_schemes"]["features"]:
        if feature["geometry"]["type"] == "LineString" and feature["properties"]["line_id"] in anchor_lines:
            assert feature["properties"]["corridor_anchor"] is True


def _lines_by_id(collection: dict) -> dict[str, list[dict]]:
    lines: dict[str, list[dict]] = {}
    for feature in collection["features"]:
        if feature["geometry"]["type"] == "LineString":
            lines.setdefault(feature["properties"]["line_id"], []).append(feature)
    return {k: sorted(v, key=lambda f: f["properties"]["stop_orders"][0]) for k, v in lines.items()}


def _chain(parts: list[dict]) -> tuple[list[int], list[list[float]]]:
    """One line's runs joined end to end (each run starts where the previous one ended)."""
    orders, coords = list(parts[0]["properties"]["stop_orders"]), list(parts[0]["geometry"]["coordinates"])
    for part in parts[1:]:
        assert part["properties"]["stop_orders"][0] == orders[-1], "runs of a line must join at a stop"
        assert part["geometry"]["coordinates"][0] == coords[-1]
        orders += part["properties"]["stop_orders"][1:]
        coords += part["geometry"]["coordinates"][1:]
    return orders, coords


def test_shipped_lines_follow_stop_order_through_their_stops():
    collection = COLLECTIONS["transport_schemes"]
    stops = {(f["properties"]["line_id"], f["properties"]["stop_order"]): f["geometry"]["coordinates"]
             for f in collection["features"] if f["geometry"]["type"] == "Point" and f["properties"]["line_id"]}
    lines = _lines_by_id(collection)
    assert lines
    for line_id, parts in lines.items():
        orders, coords = _chain(parts)
        assert orders == sorted(orders) and len(set(orders)) == len(orders), line_id
        assert coords == [stops[(line_id, n)] for n in orders], f"{line_id} does not pass through its stops"
        expected = sorted(n for (lid, n) in stops if lid == line_id)
        assert orders == expected, f"{line_id} skips a stop that has a coordinate"
        for part in parts:
            assert part["properties"]["schematic"] is True
            assert part["properties"]["schematic_note"] == SCHEMATIC_NOTE == \
                "straight segments between stops, not track alignment"


# --- against the research file --------------------------------------------------------------------------------------

@needs_reference
def test_counts_match_the_research_file():
    rows = _research_rows()
    for overlay_id, spec in SPECS.items():
        group = [r for r in rows if r["kind"] == spec.kind]
        with_coords = [r for r in group if r["lat"].strip()]
        points = [f for f in COLLECTIONS[overlay_id]["features"] if f["geometry"]["type"] == "Point"]
        assert len(points) == len(with_coords)
        assert len(points) + len(COLLECTIONS[overlay_id]["not_mapped"]) == len(group)
        assert COLLECTIONS[overlay_id]["source"]["rows"] == len(rows)


@needs_reference
@pytest.mark.parametrize("overlay_id", list(SPECS))
def test_not_mapped_is_exactly_the_rows_without_coordinates(overlay_id):
    rows = [r for r in _research_rows() if r["kind"] == SPECS[overlay_id].kind]
    expected = sorted(r["name"] for r in rows if not r["lat"].strip())
    assert sorted(e["name"] for e in COLLECTIONS[overlay_id]["not_mapped"]) == expected


@needs_reference
def test_lines_follow_the_research_stop_order():
    by_line: dict[str, list[dict]] = {}
    for row in _research_rows():
        if row["line_id"] and row["lat"].strip():
            by_line.setdefault(row["line_id"], []).append(row)
    lines = _lines_by_id(COLLECTIONS["transport_schemes"])
    not_drawn = {e["line_id"] for e in COLLECTIONS["transport_schemes"]["lines_not_drawn"]}
    for line_id, stops in by_line.items():
        stops.sort(key=lambda r: int(r["stop_order"]))
        if len(stops) < 2:
            assert line_id in not_drawn and line_id not in lines
            continue
        _, coords = _chain(lines[line_id])
        declared = _declared_points()
        assert coords == [declared.get(r["name"], [float(r["lon"]), float(r["lat"])]) for r in stops], line_id


@needs_reference
def test_shipped_files_are_what_the_build_makes(tmp_path):
    report = build_overlays(out=tmp_path, check_districts=False)
    for overlay_id, spec in SPECS.items():
        built = json.loads((tmp_path / Path(spec.file).name).read_text(encoding="utf-8"))
        assert built == COLLECTIONS[overlay_id], f"{spec.file} is stale: run python -m mapkit build-overlays"
    unmapped = [r["name"] for r in _research_rows()
                if DECLARATIONS.status.classify(r["status"])[0] == DECLARATIONS.status.fallback]
    assert [r["name"] for r in report["status_unclassified"]] == unmapped


# --- district and combined-authority checks -------------------------------------------------------------------------

def _point_params(expected: dict[str, str]) -> list:
    params = []
    for _gid, feature in POINTS:
        name = feature["properties"]["name"]
        marks = [pytest.mark.xfail(strict=True, reason=expected[name])] if name in expected else []
        params.append(pytest.param(feature, id=feature["properties"]["id"], marks=marks))
    return params


@pytest.fixture(scope="module")
def district_results():
    from mapkit.data.products import load_boundaries

    features = [f for _, f in POINTS]
    points = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    table = district_check(points, load_boundaries("lad"), DECLARATIONS.district_aliases)
    ARTIFACTS.mkdir(exist_ok=True)
    table.to_csv(ARTIFACTS / "overlays_district_check.csv", index=False)
    return table.set_index("name")


@needs_boundaries
@pytest.mark.parametrize("feature", _point_params(EXPECTED_DISTRICT_EXCEPTIONS))
def test_point_lies_in_its_stated_district_or_a_neighbour(feature, district_results):
    row = district_results.loc[feature["properties"]["name"]]
    assert row["ok"], (f"{feature['properties']['name']}: states {row['lad']!r} but lies in {row['found']} "
                       f"({row['distance_km']} km away); report it, do not move the point")


@pytest.fixture(scope="module")
def ca_shapes():
    from mapkit.data.products import load_boundaries

    return load_boundaries("ca").to_crs("EPSG:27700").set_index("code").geometry


@needs_boundaries
@pytest.mark.parametrize("feature", _point_params(EXPECTED_CA_EXCEPTIONS))
def test_point_lies_in_its_combined_authority(feature, ca_shapes):
    props = feature["properties"]
    point = gpd.GeoSeries([Point(feature["geometry"]["coordinates"])], crs="EPSG:4326").to_crs("EPSG:27700")[0]
    assert ca_shapes[props["ca_code"]].contains(point), f"{props['name']} lies outside {props['ca']}"


@pytest.mark.parametrize(
    "text, names",
    [
        ("Birmingham", ["Birmingham"]),
        ("Coventry; Rugby (Ansty)", ["Coventry", "Rugby"]),
        ("Warwick (non-constituent; adj. Coventry)", ["Warwick"]),
        ("South Staffordshire / Wolverhampton", ["South Staffordshire", "Wolverhampton"]),
        ("Newcastle; North Tyneside; Northumberland", ["Newcastle upon Tyne", "North Tyneside", "Northumberland"]),
        ("St Helens; Knowsley; Liverpool", ["St. Helens", "Knowsley", "Liverpool"]),
    ],
)
def test_stated_districts_are_read_from_free_text(text, names):
    assert stated_districts(text, DECLARATIONS.district_aliases) == names


def test_district_check_reports_neighbours_and_exceptions():
    # Three districts in a row (British National Grid metres), 10 km squares: West | Middle | East.
    districts = gpd.GeoDataFrame({"name": ["West", "Middle", "East"]},
                                 geometry=[box(400_000, 300_000, 410_000, 310_000),
                                           box(410_000, 300_000, 420_000, 310_000),
                                           box(420_000, 300_000, 430_000, 310_000)], crs="EPSG:27700")
    points = gpd.GeoDataFrame({"name": ["in", "next door", "far", "typo"], "lad": ["West", "Middle", "West", "Wset"]},
                              geometry=[Point(405_000, 305_000), Point(405_000, 305_000), Point(425_000, 305_000),
                                        Point(405_000, 305_000)], crs="EPSG:27700")
    table = district_check(points, districts, {}).set_index("name")
    assert table.loc["in", "result"] == "in district"
    assert table.loc["next door", "result"] == "in neighbouring district"
    assert table.loc["far", "result"] == "outside stated district and neighbours"
    assert table.loc["far", "distance_km"] == pytest.approx(15.0)
    assert table.loc["typo", "result"] == "unknown district name"
    assert table["ok"].tolist() == [True, True, False, False]


# --- the build step on a tiny inline research file -----------------------------------------------------------------

HEADER = "ca,name,kind,subtype,lat,lon,line_id,stop_order,status,status_date,lad,source_title,source_url,confidence,notes"
TINY = [
    HEADER,
    'WMCA,Zone A,growth_location,growth_zone,52.48,-1.89,,,designated,2023-12-21,Birmingham,Doc A,https://a.example/z,medium,"Proxy point, not centroid."',
    "WMCA,Zone B,growth_location,growth_zone,,,,,proposed,,Dudley,Doc B,https://b.example/z,none,Geocode from notes.",
    "WMCA,Line X: One,transport_scheme,metro_stop,52.50,-1.90,LX,1,open,2020,Birmingham,Doc C,https://c.example/x,high,",
    "WMCA,Line X: Two,transport_scheme,metro_stop,,,LX,2,open,2020,Birmingham,Doc C,https://c.example/x,none,No coordinate.",
    "WMCA,Line X: Three,transport_scheme,metro_stop,52.52,-1.95,LX,3,open,2020,Sandwell,Doc C,https://c.example/x,high,",
    "WMCA,Line X: Four,transport_scheme,metro_stop,52.53,-2.00,LX,4,under construction,2026,Sandwell,Doc D ; Doc E,https://d.example/ ; http://e.example/,medium,",
    "WMCA,Line Y: Solo,transport_scheme,rail_station,52.40,-1.50,LY,1,planned,,Coventry,Doc F,https://f.example/,high,",
]


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "research.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_build_makes_points_lines_and_not_mapped_lists(tmp_path):
    out = tmp_path / "out"
    report = build_overlays(_write(tmp_path, TINY), out, check_districts=False)
    growth = json.loads((out / "growth_locations.geojson").read_text(encoding="utf-8"))
    transport = json.loads((out / "transport_schemes.geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["name"] for f in growth["features"]] == ["Zone A"]
    assert [e["name"] for e in growth["not_mapped"]] == ["Zone B"]
    assert "geocode it from the notes" in growth["not_mapped"][0]["reason"]
    lines = [f for f in transport["features"] if f["geometry"]["type"] == "LineString"]
    # Stop 2 has no coordinate: the line runs 1 -> 3 (open), then 3 -> 4 (under construction, the later stop).
    assert [(f["properties"]["stop_orders"], f["properties"]["status_category"]) for f in lines] == [
        ([1, 3], "open"), ([3, 4], "under construction")]
    assert lines[0]["geometry"]["coordinates"] == [[-1.90, 52.50], [-1.95, 52.52]]
    assert "Stops without a coordinate, not drawn: Two." in lines[0]["properties"]["notes"]
    assert lines[1]["properties"]["source_url"] == "https://c.example/x ; https://d.example/ ; http://e.example/"
    assert [e["line_id"] for e in transport["lines_not_drawn"]] == ["LY"]
    assert report["groups"]["transport_schemes"] == {
        "rows": 5, "points": 4, "lines": 2, "zones": 0, "ward_codes_unmatched": [], "not_mapped": 1,
        "lines_not_drawn": ["LY"],
        "by_status": {"open": {"points": 2, "lines": 1, "zones": 0},
                      "under construction": {"points": 1, "lines": 1, "zones": 0},
                      "planned": {"points": 1, "lines": 0, "zones": 0}}}
    assert json.loads((out / "build_report.json").read_text(encoding="utf-8")) == report


def test_build_is_deterministic(tmp_path):
    research = _write(tmp_path, TINY)
    build_overlays(research, tmp_path / "a", check_districts=False)
    build_overlays(research, tmp_path / "b", check_districts=False)
    for name in ("growth_locations.geojson", "transport_schemes.geojson", "build_report.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize(
    "row, message",
    [
        ("WMCA,P,growth_location,site,52.4,-1.9,,,open,,Birmingham,Doc,,high,", "source_url empty"),
        ("WMCA,P,growth_location,site,52.4,-1.9,,,,,Birmingham,Doc,https://x.example/,high,", "status empty"),
        ("WMCA,P,growth_location,site,52.4,,,,open,,Birmingham,Doc,https://x.example/,high,", "only one of lat/lon"),
        ("WMCA,P,growth_location,site,-1.9,52.4,,,open,,Birmingham,Doc,https://x.example/,high,", "outside the UK"),
        ("WMCA,P,station,site,52.4,-1.9,,,open,,Birmingham,Doc,https://x.example/,high,", "kind 'station'"),
        ("XXCA,P,growth_location,site,52.4,-1.9,,,open,,Birmingham,Doc,https://x.example/,high,", "no code in"),
        ("WMCA,P,growth_location,site,52.4,-1.9,,,open,,Birmingham,Doc,https://x.example/,sure,", "confidence 'sure'"),
        ("WMCA,Line X: Again,transport_scheme,metro_stop,52.4,-1.9,LX,3,open,,Birmingham,Doc,https://x.example/,high,",
         "stop_order 3 twice"),
        ("WMCA,P,transport_scheme,metro_stop,52.4,-1.9,LZ,first,open,,Birmingham,Doc,https://x.example/,high,",
         "whole-number stop_order"),
    ],
)
def test_build_refuses_a_broken_research_row(tmp_path, row, message):
    with pytest.raises(RawDataError, match=message):
        build_overlays(_write(tmp_path, [*TINY, row]), tmp_path / "out", check_districts=False)


def test_build_names_a_missing_research_file(tmp_path):
    with pytest.raises(RawDataError, match="research file not found. Pass --reference PATH"):
        build_overlays(tmp_path / "nowhere.csv", tmp_path / "out", check_districts=False)


def test_cli_build_overlays(tmp_path, capsys):
    assert main(["build-overlays", "--reference", str(_write(tmp_path, TINY)), "--out", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o" / "transport_schemes.geojson").is_file()
    assert main(["build-overlays", "--reference", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")]) == 2
    assert "research file not found" in capsys.readouterr().err
