"""Declared coordinates replace the research's points from a source that states no licence (issue 26, item 3).

The West Midlands Metro Line 1 stops were placed from a repository with no licence; every one of them is drawn
at the openly licensed coordinate of ``layers/overlays/metro_stop_coordinates.csv`` or not at all, and nothing a
reader sees (features, not-mapped lists, footers, export source lines) names the withdrawn source or a file path.
Tests marked ``needs_reference`` read the withdrawn values from ../shared/reference/overlays_research.csv and
skip cleanly without it.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from mapkit.errors import SpecError
from mapkit.specs.registry import LAYERS_DIR, overlay_specs
from mapkit.pipeline.overlay_coordinates import (
    COLUMNS,
    NO_LICENSED_COORDINATE,
    TABLE_NAME,
    read_declared_coordinates,
)
from mapkit.pipeline.overlays import DEFAULT_REFERENCE, build_overlays

TABLE = LAYERS_DIR / "overlays" / TABLE_NAME
SPECS = overlay_specs()
OPEN_LICENCES = {"OGL-UK-3.0", "ODbL-1.0", "CC-BY-SA-4.0"}
WITHDRAWN = "vimto"
# Words that mark a note meant for us, never for a reader.
FORBIDDEN_WORDS = ("vimto", "stationhandler", "no licence", "before publication")
FILE_PATH = re.compile(r"\.\./|\b(?:layers|data|shared|mapkit|tests)/|(?<![/\w])[\w-]+\.(?:csv|py|json|toml|parquet|"
                       r"geojson|md|txt)\b", re.IGNORECASE)

needs_reference = pytest.mark.skipif(not DEFAULT_REFERENCE.exists(),
                                     reason=f"research file {DEFAULT_REFERENCE} not present")


def _table() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _collections() -> dict[str, dict]:
    return {gid: json.loads(spec.path().read_text(encoding="utf-8")) for gid, spec in SPECS.items()}


def _points_by_name() -> dict[str, list[float]]:
    return {f["properties"]["name"]: f["geometry"]["coordinates"] for c in _collections().values()
            for f in c["features"] if f["geometry"]["type"] == "Point"}


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _withdrawn_rows() -> list[dict[str, str]]:
    """The research rows whose coordinate came from the source with no licence (the forbidden values)."""
    with DEFAULT_REFERENCE.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if WITHDRAWN in (r["source_title"] + r["source_url"] + r["notes"]).lower()]


# --- the declaration table ------------------------------------------------------------------------------------------

def test_every_declared_row_names_an_open_licence_and_its_provenance():
    rows = _table()
    assert rows and list(rows[0]) == list(COLUMNS)
    for row in rows:
        assert row["licence"] in OPEN_LICENCES, row["name"]
        for column in ("source_name", "identifier", "publisher", "dataset", "source_url", "vintage", "retrieved",
                       "retrieved_from"):
            assert row[column].strip(), f"{row['name']}: {column} empty"
        assert row["source_url"].startswith("https://")
    assert len({r["name"] for r in rows}) == len(rows)


def test_the_metro_stops_come_from_naptan_west_midlands_metro_records():
    for row in _table():
        assert row["dataset"] == "NaPTAN" and row["publisher"] == "Department for Transport"
        assert row["licence"] == "OGL-UK-3.0"
        assert re.fullmatch(r"9400ZZWM[A-Z]{2,3}", row["identifier"]), row["identifier"]
        assert row["source_name"].endswith("(West Midlands Metro)")


# --- the shipped overlays -------------------------------------------------------------------------------------------

def test_every_declared_stop_is_drawn_at_exactly_its_declared_coordinate():
    points = _points_by_name()
    for row in _table():
        assert points[row["name"]] == [float(row["lon"]), float(row["lat"])], row["name"]


def test_declared_stops_cite_their_source_and_say_which_object_the_point_is():
    features = {f["properties"]["name"]: f["properties"] for c in _collections().values() for f in c["features"]}
    for row in _table():
        props = features[row["name"]]
        assert f"{row['dataset']} {row['identifier']}: {row['source_name']}" in props["source_title"]
        assert row["source_url"] in props["source_url"].split(" ; ")
        assert f"Coordinate: {row['source_name']}, NaPTAN {row['identifier']}" in props["notes"]


@needs_reference
def test_no_drawn_point_or_line_vertex_has_a_withdrawn_coordinate():
    forbidden = {(float(r["lon"]), float(r["lat"])) for r in _withdrawn_rows()}
    # 27 rows, 25 places: the Wednesbury junction and the West Bromwich proxy repeat two Line 1 stops.
    assert len(_withdrawn_rows()) == 27 and len(forbidden) == 25
    for collection in _collections().values():
        for feature in collection["features"]:
            geometry = feature["geometry"]
            if geometry["type"] == "Point":
                vertices = [geometry["coordinates"]]
            elif geometry["type"] == "LineString":
                vertices = geometry["coordinates"]
            else:
                continue
            hits = [v for v in vertices if tuple(v) in forbidden]
            assert not hits, f"{feature['properties']['name']} is drawn at a withdrawn coordinate {hits}"


@needs_reference
def test_every_row_that_used_the_withdrawn_source_took_a_declared_coordinate():
    declared = {r["name"] for r in _table()}
    assert {r["name"] for r in _withdrawn_rows()} <= declared
    report = json.loads((LAYERS_DIR / "overlays" / "build_report.json").read_text(encoding="utf-8"))
    result = report["declared_coordinates"]
    assert set(result["replaced"]) == declared
    assert result["not_mapped"] == [] and result["unused"] == []
    assert result["same_point_uncited"] == ["Eastside extension: Bull Street (junction)"]


@pytest.mark.parametrize("overlay_id", list(SPECS))
def test_built_overlays_never_name_the_withdrawn_source(overlay_id):
    collection = json.loads(SPECS[overlay_id].path().read_text(encoding="utf-8"))
    for text in _strings(collection):
        assert not any(word in text.lower() for word in FORBIDDEN_WORDS), text


def test_declared_features_carry_no_file_path():
    declared = {r["name"] for r in _table()}
    for collection in _collections().values():
        for feature in collection["features"]:
            props = feature["properties"]
            if props["name"] in declared or declared & set(props["stop_names"].split(" → ")):
                text = " ".join((props["source_title"], props["notes"], props["location_note"]))
                assert not FILE_PATH.search(text), (props["name"], FILE_PATH.search(text).group(0))


# --- what a reader sees: footers and export source lines ------------------------------------------------------------

def _reader_texts() -> list:
    from mapkit.specs.registry import registry
    from mapkit.text.wording import footer_lines, overlay_attribution

    spec = registry().indicator("imd_score")
    texts = [pytest.param(line, id=f"footer-{i}") for i, line in enumerate(footer_lines(spec, overlays=list(SPECS)))]
    texts.append(pytest.param(overlay_attribution(list(SPECS)), id="map-attribution"))
    texts += [pytest.param(f"{s.attribution} {s.licence}", id=f"export-{gid}")  # an export's line per overlay
              for gid, s in SPECS.items()]
    return texts


@pytest.mark.parametrize("text", _reader_texts())
def test_footer_and_attribution_carry_no_research_note_or_file_path(text):
    assert not any(word in text.lower() for word in FORBIDDEN_WORDS), text
    assert not FILE_PATH.search(text), FILE_PATH.search(text).group(0)


@pytest.mark.parametrize("overlay_id", list(SPECS))
def test_overlay_licence_states_the_naptan_open_government_licence(overlay_id):
    spec = SPECS[overlay_id]
    assert "NaPTAN" in spec.source
    assert "contains public sector information licensed under the Open Government Licence v3.0" in spec.licence


def test_export_source_lines_state_what_is_used():
    from mapkit.export import prepare
    from mapkit.export.wording import source_lines
    from mapkit.view import View

    data = prepare(View(region="E47000007", level="ward", indicator="imd_score",
                        overlays=("growth_locations", "transport_schemes")))
    lines = source_lines(data)
    overlay_lines = [line for line in lines if "Transport schemes" in line or "Growth locations" in line]
    assert len(overlay_lines) == 2
    for line in overlay_lines:
        assert not any(word in line.lower() for word in FORBIDDEN_WORDS) and not FILE_PATH.search(line)
        assert "Open Government Licence v3.0" in line


# --- the build, on small inputs -------------------------------------------------------------------------------------

HEADER = ("ca,name,kind,subtype,lat,lon,line_id,stop_order,status,status_date,lad,source_title,source_url,"
          "confidence,notes")
UNLICENSED = "Repo X (stop coordinates),https://git.example/x/Unlicensed.py"
RESEARCH = [
    HEADER,
    f"WMCA,L: One,transport_scheme,metro_stop,52.50,-1.90,LX,1,open,,Birmingham,{UNLICENSED},high,"
    "coord_src: Unlicensed. Line X.",
    f"WMCA,L: Two,transport_scheme,metro_stop,52.51,-1.91,LX,2,open,,Birmingham,{UNLICENSED},high,"
    "coord_src: Unlicensed. Line X.",
    "WMCA,L: Three,transport_scheme,metro_stop,52.52,-1.92,LX,3,open,,Birmingham,"
    f"\"{UNLICENSED.split(',')[0]} ; News - Line X opens\",\"{UNLICENSED.split(',')[1]} ; https://news.example/\","
    "high,Line X. Opened 2020.",
    "WMCA,L: Four,transport_scheme,metro_stop,52.53,-1.93,LX,4,open,,Birmingham,Wiki - Four,https://w.example/,high,",
    "WMCA,Zone by stop two,growth_location,site,52.51,-1.91,,,open,,Birmingham,Plan - Zone,https://p.example/,medium,"
    "Point = stop two (proxy).",
]
DECLARED = [
    ",".join(COLUMNS),
    "L: One,52.5012345678,-1.9001,One (Tram),9400ZZXXONE,Department for Transport,NaPTAN,https://n.example/,"
    "OGL-UK-3.0,2026-07-30,2026-12-06,https://git.example/copy,Unlicensed",
    "L: Two,,,,,,,,,,,,Unlicensed",
    "Zone by stop two,52.5101,-1.9102,Two (Tram),9400ZZXXTWO,Department for Transport,NaPTAN,https://n.example/,"
    "OGL-UK-3.0,2026-07-30,2026-12-06,https://git.example/copy,Unlicensed",
    "Nowhere,52.6,-1.8,Gone (Tram),9400ZZXXGON,Department for Transport,NaPTAN,https://n.example/,"
    "OGL-UK-3.0,2026-07-30,2026-12-06,https://git.example/copy,Unlicensed",
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def built(tmp_path):
    out = tmp_path / "out"
    report = build_overlays(_write(tmp_path / "research.csv", RESEARCH), out,
                            coordinates=_write(tmp_path / "declared.csv", DECLARED), check_districts=False,
                            zones=False)
    load = lambda name: json.loads((out / name).read_text(encoding="utf-8"))  # noqa: E731
    return report, load("transport_schemes.geojson"), load("growth_locations.geojson")


def test_build_draws_the_declared_coordinate_with_its_source(built):
    _, transport, _ = built
    points = {f["properties"]["name"]: f for f in transport["features"] if f["geometry"]["type"] == "Point"}
    one = points["L: One"]
    assert one["geometry"]["coordinates"] == [-1.9001, 52.5012345678]
    assert one["properties"]["source_title"] == "Department for Transport - NaPTAN 9400ZZXXONE: One (Tram)"
    assert one["properties"]["source_url"] == "https://n.example/"
    assert one["properties"]["notes"] == ("Line X. Coordinate: One (Tram), NaPTAN 9400ZZXXONE (Department for "
                                          "Transport, as of 2026-07-30).")
    assert points["L: Four"]["geometry"]["coordinates"] == [-1.93, 52.53]  # a licensed row is left alone


def test_build_lists_a_stop_without_a_licensed_coordinate_as_not_mapped(built):
    report, transport, _ = built
    (two,) = [e for e in transport["not_mapped"] if e["name"] == "L: Two"]
    assert two["reason"] == NO_LICENSED_COORDINATE
    assert two["notes"] == "Line X." and two["source_title"] == "" and two["source_url"] == ""
    # Stop three cites the unlicensed source and has no declaration: not drawn either, its other source kept.
    (three,) = [e for e in transport["not_mapped"] if e["name"] == "L: Three"]
    assert three["reason"] == NO_LICENSED_COORDINATE
    assert three["source_title"] == "News - Line X opens" and three["source_url"] == "https://news.example/"
    assert three["notes"] == "Line X. Opened 2020."
    (line,) = [f for f in transport["features"] if f["geometry"]["type"] == "LineString"]
    assert line["geometry"]["coordinates"] == [[-1.9001, 52.5012345678], [-1.93, 52.53]]
    assert "Stops without a coordinate, not drawn: Two, Three." in line["properties"]["notes"]
    assert report["declared_coordinates"]["not_mapped"] == ["L: Two", "L: Three"]
    assert report["declared_coordinates"]["unused"] == ["Nowhere"]
    text = json.dumps(transport).lower()
    assert "unlicensed" not in text and "git.example" not in text


def test_build_replaces_a_point_that_repeats_a_withdrawn_coordinate_uncited(built):
    report, _, growth = built
    (zone,) = growth["features"]
    assert zone["geometry"]["coordinates"] == [-1.9102, 52.5101]
    assert zone["properties"]["source_title"] == ("Plan - Zone ; Department for Transport - NaPTAN 9400ZZXXTWO: "
                                                  "Two (Tram)")
    assert report["declared_coordinates"]["same_point_uncited"] == ["Zone by stop two"]


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("OGL-UK-3.0,2026-07-30,2026-12-06,https://git.example/copy,Unlicensed\nL: Two",
         "CC-BY-NC-4.0,2026-07-30,2026-12-06,https://git.example/copy,Unlicensed\nL: Two",
         r"licence 'CC-BY-NC-4.0' is not an open licence"),
        ("L: One,52.5012345678,-1.9001,", "L: One,52.5012345678,,", "lat/lon '52.5012345678', '' are not decimal"),
        ("L: One,52.5012345678,-1.9001,", "L: One,-1.9001,52.5012345678,", "outside the UK"),
        ("L: One,52.5012345678,-1.9001,One (Tram)", "L: One,52.5012345678,-1.9001,", "source_name empty"),
        ("2026-07-30,2026-12-06,https://git.example/copy,Unlicensed\nL: Two",
         "30 July 2026,2026-12-06,https://git.example/copy,Unlicensed\nL: Two", "vintage '30 July 2026' is not a date"),
        ("https://n.example/,OGL-UK-3.0,2026-07-30,2026-12-06,https://git.example/copy,Unlicensed\nL: Two",
         "n.example,OGL-UK-3.0,2026-07-30,2026-12-06,https://git.example/copy,Unlicensed\nL: Two",
         "must be an http"),
        ("Nowhere,", "L: One,", "'L: One' is declared twice"),
        (",replaces", ",replace", r"column\(s\) \['replaces'\] not found"),
    ],
)
def test_a_broken_declaration_is_named(tmp_path, old, new, message):
    text = "\n".join(DECLARED)
    assert old in text
    path = tmp_path / "declared.csv"
    path.write_text(text.replace(old, new, 1) + "\n", encoding="utf-8")
    with pytest.raises(SpecError, match=message):
        read_declared_coordinates(path)


def test_a_missing_declaration_table_is_named(tmp_path):
    with pytest.raises(SpecError, match="coordinate declaration table not found"):
        read_declared_coordinates(tmp_path / "none.csv")
