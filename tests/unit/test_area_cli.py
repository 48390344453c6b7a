"""``python -m mapkit area``: the profile of an outline or a list of codes, from the shipped data."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mapkit.analysis.zones import residents_in_zone
from mapkit.cli import main
from mapkit.data.overlays import load_overlay

ROOT = Path(__file__).resolve().parents[2]
EBNS_ZONE = "growth-zone-east-birmingham-north-solihull-zone"
EAST_BIRMINGHAM = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Brum East"},
                   "geometry": {"type": "Polygon", "coordinates": [[[-1.84, 52.47], [-1.76, 52.46], [-1.74, 52.5],
                                                                    [-1.83, 52.51], [-1.84, 52.47]]]}}]}


def _run(capsys, args: list[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def zone():
    frame = load_overlay("growth_locations")
    return frame[frame["id"] == EBNS_ZONE].iloc[0]


def test_codes_give_the_zones_residents_as_json(capsys, zone):
    code, out, _ = _run(capsys, ["area", "--codes", ",".join(zone["ward_codes"]), "--format", "json"])
    assert code == 0
    data = json.loads(out)
    stated = residents_in_zone(zone.to_dict(), zone.geometry).total_population
    assert data["population"] == pytest.approx(stated, rel=0.02)
    assert len(data["imd_decile_population"]) == 10 and sum(data["imd_decile_population"]) == pytest.approx(
        data["population"])
    assert data["imd_decile_population"][0] > data["imd_decile_population"][9]  # decile 1 = most deprived first


def test_the_zones_outline_as_a_file_gives_its_residents(capsys, tmp_path, zone):
    path = tmp_path / "zone.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "EBNS"}, "geometry": zone.geometry.__geo_interface__}]}))
    code, out, _ = _run(capsys, ["area", "--geojson", str(path), "--format", "json"])
    data = json.loads(out)
    stated = residents_in_zone(zone.to_dict(), zone.geometry).total_population
    assert code == 0 and data["name"] == "EBNS" and data["population"] == pytest.approx(stated, rel=0.02)


def test_csv_is_the_tidy_table(capsys, tmp_path):
    path = tmp_path / "east.geojson"
    path.write_text(json.dumps(EAST_BIRMINGHAM))
    code, out, _ = _run(capsys, ["area", "--geojson", str(path), "--format", "csv", "--name", "My patch"])
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and set(r["area_name"] for r in rows) == {"My patch"}
    assert {"imd_score", "population", "imd_decile_1_residents"} <= {r["indicator_id"] for r in rows}


@pytest.mark.parametrize("args, message", [
    (["--codes", "E05011120,Birmingham"], "Not ward or LSOA codes: 'Birmingham'"),
    (["--codes", "E05999999"], "Not wards"),
    (["--geojson", "/nonexistent/x.geojson"], "Cannot read"),
    (["--codes", "E05011120", "--format", "png"], "add -o FILE"),
])
def test_bad_input_gets_a_message_not_a_traceback(capsys, args, message):
    code, _, err = _run(capsys, ["area", *args])
    assert code == 2 and message in err and "Traceback" not in err


def test_a_self_crossing_file_is_repaired_with_a_note(capsys, tmp_path):
    path = tmp_path / "bow.geojson"
    path.write_text(json.dumps({"type": "Feature", "properties": {"name": "bow"}, "geometry": {
        "type": "Polygon", "coordinates": [[[-1.84, 52.47], [-1.76, 52.51], [-1.76, 52.47], [-1.84, 52.51],
                                            [-1.84, 52.47]]]}}))
    code, out, err = _run(capsys, ["area", "--geojson", str(path)])
    assert code == 0 and "crossed itself" in err and json.loads(out)["population"] > 0


def test_the_command_runs_as_a_module(tmp_path):
    out = tmp_path / "area.pdf"
    done = subprocess.run([sys.executable, "-m", "mapkit", "area", "--codes", "E05011120,E05011127", "--format",
                           "pdf", "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
