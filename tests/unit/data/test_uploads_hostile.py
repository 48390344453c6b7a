"""Uploads from many hands (issue 7): encodings, huge files, broken polygons, non-finite numbers, markup in every
text field, and nothing written to disk. The basic accept/reject cases are in test_uploads.py."""

from __future__ import annotations

import builtins
import io
import json
import os
import tempfile
import time
from pathlib import Path

import folium
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mapkit.data import uploads
from mapkit.errors import UploadError
from mapkit.data.uploads import MAX_BYTES, MAX_FEATURES, read_upload, read_upload_bounded
from mapkit.web.upload_layer import encode_upload, upload_layer

SQUARE = [[-1.9, 52.4], [-1.8, 52.4], [-1.8, 52.5], [-1.9, 52.5], [-1.9, 52.4]]
BOWTIE = [[-1.9, 52.4], [-1.8, 52.5], [-1.8, 52.4], [-1.9, 52.5], [-1.9, 52.4]]


def _fc(*features: dict, **top: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", **top, "features": list(features)}).encode()


def _feature(kind: str, coords: object, name: object = "A", **props: object) -> dict:
    return {"type": "Feature", "properties": {"name": name, **props}, "geometry": {"type": kind, "coordinates": coords}}


# --- encodings ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "data", "message"), [
    ("a.csv", "name,lat,lon\n\u201cHub\u201d,52.4,-1.9\n".encode("cp1252"), r"is not UTF-8 text .* 'CSV UTF-8"),
    ("a.geojson", json.dumps(json.loads(_fc(_feature("Point", [-1.9, 52.4], "Café"))), ensure_ascii=False)
     .encode("latin-1"), "is not UTF-8 text"),
    ("a.csv", "name,lat,lon\nA,52.4,-1.9\n".encode("utf-16-be").join([b"\xfe\xff", b""]), "is saved as UTF-16"),
    ("a.csv", "name,lat,lon\nA,52.4,-1.9\n".encode("utf-16-le"), "is saved as UTF-16"),  # no byte order mark
    ("a.geojson", _fc(_feature("Point", [-1.9, 52.4])).decode().encode("utf-16-le"), "is saved as UTF-16"),
    ("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
], ids=["cp1252", "latin-1 geojson", "utf-16 be", "utf-16 le without bom", "utf-16 geojson", "png renamed"])
def test_wrong_encodings_say_how_to_save_as_utf8(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(UploadError, match=message):
        read_upload(data, filename)


def test_utf8_with_a_byte_order_mark_and_any_script_is_read() -> None:
    data = b"\xef\xbb\xbf" + _fc(_feature("Point", [-1.9, 52.4], "Gorsaf Caerdydd \u2013 \u0645\u062d\u0637\u0629"))
    assert read_upload(data, "a.geojson")["name"][0] == "Gorsaf Caerdydd \u2013 \u0645\u062d\u0637\u0629"


# --- size -----------------------------------------------------------------------------------------------------

def test_a_million_rows_are_refused_without_parsing_them_all(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"name,lat,lon\n" + b"a,1\n" * 1_000_000
    assert len(data) < MAX_BYTES  # small enough to pass the size limit: the row limit must catch it
    parsed = 0
    rows = uploads._csv_rows

    def counting(text: str):
        nonlocal parsed
        for row in rows(text):
            parsed += 1
            yield row

    monkeypatch.setattr(uploads, "_csv_rows", counting)
    with pytest.raises(UploadError, match=r"has 1,000,000 rows; the limit is 5,000: split it"):
        read_upload(data, "big.csv")
    assert parsed <= MAX_FEATURES + 2


def test_a_million_features_are_refused() -> None:
    data = b'{"type": "FeatureCollection", "features": [' + b",".join([b"{}"] * 1_000_000) + b"]}"
    with pytest.raises(UploadError, match=r"has 1,000,000 features; the limit is 5,000"):
        read_upload(data, "big.geojson")


# --- polygons -------------------------------------------------------------------------------------------------

def test_a_self_intersecting_polygon_is_split_where_it_crosses() -> None:
    frame = read_upload(_fc(_feature("Point", [-1.9, 52.4]), _feature("Polygon", [BOWTIE], "Bow")), "a.geojson")
    bow = frame.geometry[1]
    assert frame.is_valid.all() and bow.geom_type == "MultiPolygon" and len(bow.geoms) == 2
    assert bow.area == pytest.approx(0.005)  # two triangles, each a quarter of the 0.1 x 0.1 square
    assert frame.attrs["notes"] == ["'a.geojson': 1 feature was repaired: self-crossing rings split where they "
                                    "cross (feature 2)."]


def test_overlapping_parts_of_a_multipolygon_are_merged() -> None:
    shifted = [[x + 0.05, y] for x, y in SQUARE]
    frame = read_upload(_fc(_feature("MultiPolygon", [[SQUARE], [shifted]])), "a.geojson")
    assert frame.is_valid.all() and frame.geometry[0].area == pytest.approx(0.015)
    assert frame.attrs["notes"]


def test_a_polygon_with_no_area_is_refused() -> None:
    flat = [[-1.9, 52.4], [-1.8, 52.4], [-1.7, 52.4], [-1.9, 52.4]]
    with pytest.raises(UploadError, match=r"feature 1 is a polygon with no area .*upload it as a LineString"):
        read_upload(_fc(_feature("Polygon", [flat])), "a.geojson")


def test_valid_files_have_no_notes() -> None:
    assert read_upload(_fc(_feature("Polygon", [SQUARE])), "a.geojson").attrs["notes"] == []


def test_a_repaired_polygon_can_be_measured_and_drawn() -> None:
    from mapkit.analysis.nearby import population_near

    frame = read_upload(_fc(_feature("Polygon", [BOWTIE], "Bow")), "a.geojson")
    assert population_near(frame.geometry[0], distance_km=1.0).total_population > 0
    payload = json.loads(encode_upload(frame).json)
    assert payload["kinds"] == ["polygon"] and len(payload["shapes"][0]) == 2  # the two triangles
    assert "window.mapkit.uploads.layer(" in _render(upload_layer(frame, "a.geojson"))


POINT = st.tuples(st.floats(-1.95, -1.75), st.floats(52.35, 52.55))


# A ring tracing a square twice: GEOS's "structure" repair gave its two halves sharing the diagonal (invalid).
SQUARE_TWICE = [(-1.875, 52.5), (-1.875, 52.375), (-1.75, 52.5), (-1.75, 52.375), (-1.875, 52.375), (-1.75, 52.5)]


def test_a_ring_tracing_a_square_twice_is_repaired_to_the_square() -> None:
    ring = [list(p) for p in SQUARE_TWICE] + [list(SQUARE_TWICE[0])]
    frame = read_upload(_fc(_feature("Polygon", [ring])), "a.geojson")
    shape = frame.geometry[0]
    assert shape.is_valid and shape.geom_type == "Polygon"
    assert shape.equals(shapely.box(-1.875, 52.375, -1.75, 52.5))
    assert frame.attrs["notes"] == ["'a.geojson': 1 feature was repaired: self-crossing rings split where they "
                                    "cross (feature 1)."]


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@example(ring=SQUARE_TWICE, holes=[])
@given(ring=st.lists(POINT, min_size=3, max_size=8), holes=st.lists(st.lists(POINT, min_size=3, max_size=5),
                                                                     max_size=2))
def test_any_polygon_gives_valid_geometry_or_a_message(ring: list, holes: list) -> None:
    rings = [[list(p) for p in r] + [list(r[0])] for r in [ring, *holes]]
    try:
        frame = read_upload(_fc(_feature("Polygon", rings)), "a.geojson")
    except UploadError as exc:
        assert "feature 1" in str(exc)
        return
    assert frame.is_valid.all() and frame.geometry[0].area > 0
    assert frame.geometry[0].geom_type in ("Polygon", "MultiPolygon")


# --- non-finite and out-of-range numbers ----------------------------------------------------------------------

@pytest.mark.parametrize(("data", "message"), [
    (b'{"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Point", "coordinates": [-Infinity, 52]}}',
     r"not a finite number \(NaN or Infinity\)"),
    (b'{"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Point", "coordinates": [1e400, 52]}}',
     r"not a finite number \(NaN or Infinity\)"),
    (b'{"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Point", "coordinates": [-1.9, '
     + b"9" * 400 + b"]}}", r"not a finite number \(NaN or Infinity\)"),
    (_fc(_feature("LineString", [[-1.9, 52.4], [-1.9, 95.0]])), r"position \[-1.9, 95\], which looks like British"),
    (_fc(_feature("Polygon", [[[-1.9, 52.4], [-1.8, 52.4], [-1.8, -152.5], [-1.9, 52.4]]])), "feature 1 has the"),
    (b"name,lat,lon\nA,nan,-1\n", r"lat is 'nan', not a finite number"),
    (b"name,lat,lon\nA,52,Infinity\n", r"lon is 'Infinity', not a finite number"),
    (b"name,lat,lon\nA,1e999,-1\n", r"lat is '1e999', not a finite number"),
], ids=["-Infinity", "1e400", "huge integer", "latitude 95", "latitude -152", "csv nan", "csv Infinity", "csv 1e999"])
def test_non_finite_and_out_of_range_coordinates_are_refused(data: bytes, message: str) -> None:
    filename = "a.csv" if data.startswith(b"name") else "a.geojson"
    with pytest.raises(UploadError, match=message):
        read_upload(data, filename)


# --- markup ---------------------------------------------------------------------------------------------------

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "</script><script>alert(3)</script>",
            "`${alert(4)}`", "\\u003cb\\u003e", "javascript:alert(5)", "<svg/onload=alert(6)>"]


def _render(*groups: folium.FeatureGroup) -> str:
    fmap = folium.Map(tiles=None)
    for group in groups:
        group.add_to(fmap)
    folium.LayerControl().add_to(fmap)
    return fmap.get_root().render()


def _assert_inert(html: str) -> None:
    for payload in PAYLOADS:
        if any(ch in payload for ch in "<>`$\\"):
            assert payload not in html, payload
    for raw in ("<script>alert", "<img src=x", "<svg/onload", "${alert", 'href="javascript'):
        assert raw not in html, raw


def test_markup_in_every_geojson_text_field_is_drawn_as_text() -> None:
    props = {p: p for p in PAYLOADS}  # as property names and values
    props["nested"] = {"html": PAYLOADS[0], "list": [PAYLOADS[1]]}
    features = [_feature(kind, coords, PAYLOADS[i % len(PAYLOADS)], **props)
                for i, (kind, coords) in enumerate([("Point", [-1.9, 52.4]), ("LineString", SQUARE[:3]),
                                                    ("Polygon", [SQUARE]), ("MultiPoint", SQUARE[:2]),
                                                    ("Polygon", [BOWTIE])])]
    frame = read_upload(_fc(*features), PAYLOADS[1] + ".geojson")
    html = _render(upload_layer(frame, PAYLOADS[2]))
    _assert_inert(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&#96;&#36;{alert(4)}&#96;" in html


def test_markup_in_every_csv_text_field_is_drawn_as_text() -> None:
    header = ",".join(["name", "lat", "lon", *(f'"{p}"' for p in PAYLOADS if '"' not in p)])
    row = ",".join([f'"{PAYLOADS[0]}"', "52.4", "-1.9", *(f'"{p}"' for p in PAYLOADS if '"' not in p)])
    frame = read_upload(f"{header}\n{row}\n".encode(), "a.csv")
    assert frame["name"][0] == PAYLOADS[0]  # kept as uploaded, escaped only when drawn
    _assert_inert(_render(upload_layer(frame, PAYLOADS[3])))


def test_messages_quote_the_file_name_without_control_characters() -> None:
    with pytest.raises(UploadError) as caught:
        read_upload(b"", "dir/\x1b[31mred\u202e<b>.csv")
    assert "\x1b" not in str(caught.value) and "\u202e" not in str(caught.value) and "dir/" not in str(caught.value)


# --- nothing written to disk ------------------------------------------------------------------------------------

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def test_reading_and_drawing_an_upload_writes_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    read_upload(b"name,easting,northing\nA,406900,286900\n", "warm.csv")  # load pyproj's database first
    writes: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(flag in str(mode) for flag in "wax+"):
            writes.append(f"open({file!r}, {mode!r})")
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & WRITE_FLAGS:
            writes.append(f"os.open({path!r})")
        return real_os_open(path, flags, *args, **kwargs)

    def refused(name: str):
        def record(*args, **kwargs):
            writes.append(f"tempfile.{name}")
            raise AssertionError(f"tempfile.{name} called while reading an upload")
        return record

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile"):
        monkeypatch.setattr(tempfile, name, refused(name))
    monkeypatch.chdir(tmp_path)
    temp_before = set(os.listdir(tempfile.gettempdir()))
    files = [(b"name,lat,lon\nHub,52.48,-1.9\n", "a.csv"),
             (b"name,easting,northing\nCouncil House,406900,286900\n", "b.csv"),
             (_fc(_feature("Polygon", [BOWTIE]), crs=None), "c.geojson"),
             (b"name,lat,lon\n" + b"A,x,-1\n", "d.csv")]
    for data, filename in files:
        try:
            _render(upload_layer(read_upload(data, filename), filename))
        except UploadError:
            pass
    assert writes == []
    assert list(tmp_path.iterdir()) == []
    assert set(os.listdir(tempfile.gettempdir())) <= temp_before


# --- budgets: refused before any geometry is built, with the limit and how to simplify -------------------------------

def _random_ring(n: int, seed: int = 0) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    points = np.column_stack([rng.uniform(-1.95, -1.85, n), rng.uniform(52.45, 52.52, n)]).round(5).tolist()
    return points + [points[0]]


@pytest.mark.parametrize(("geometry", "message"), [
    ({"type": "MultiPoint", "coordinates": [[-1.9, 52.5]] * 20_000},
     r"feature 1 is a MultiPoint of 20,000 points; the limit is 5,000 features, counting each point of a MultiPoint"),
    ({"type": "MultiPoint", "coordinates": [[-1.9, 52.5]] * 200_000}, r"MultiPoint of 200,000 points"),
    ({"type": "LineString", "coordinates": [[-1.9 + i * 1e-7, 52.5] for i in range(200_000)]},
     r"has more than 100,000 vertices \(points, line and polygon vertices together; the limit is 100,000, reached "
     r"at feature 1\): simplify the shapes in your GIS software"),
    ({"type": "MultiLineString", "coordinates": [[[-1.9, 52.5], [-1.8, 52.5]]] * 1_001},
     r"feature 1 has 1,001 parts; the limit is 1,000 parts per feature"),
])
def test_over_budget_geometry_is_refused_naming_the_limit(geometry: dict, message: str) -> None:
    data = json.dumps({"type": "Feature", "properties": {"name": "x"}, "geometry": geometry}).encode()
    with pytest.raises(UploadError, match=message):
        read_upload(data, "a.geojson")


def test_a_random_self_crossing_polygon_is_repaired_within_budget() -> None:
    """Issue 18: 400 random vertices. The default make_valid took 39 s and gigabytes; "structure" well under one."""
    frame = read_upload(_fc(_feature("Polygon", [_random_ring(400)])), "a.geojson")
    shape = frame.geometry[0]
    assert shape.is_valid and shape.geom_type == "MultiPolygon" and 1 < len(shape.geoms) <= uploads.MAX_PARTS
    assert frame.attrs["notes"] == ["'a.geojson': 1 feature was repaired: self-crossing rings split where they "
                                    "cross (feature 1)."]


def test_a_repair_into_too_many_pieces_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_PARTS", 50)
    with pytest.raises(UploadError, match=r"repairing it gives [\d,]+ pieces; the limit is 50 parts per feature"):
        read_upload(_fc(_feature("Polygon", [_random_ring(400)])), "a.geojson")


def test_a_multipoint_is_drawn_as_upload_points() -> None:
    """Each point of a MultiPoint is a circle of its own, with the feature's name and popup, exactly as a Point."""
    from js_decode import decode_payload

    frame = read_upload(_fc(_feature("MultiPoint", [[-1.9, 52.5], [-1.8, 52.4]])), "a.geojson")
    payload = encode_upload(frame)
    assert json.loads(payload.json)["kinds"] == ["point"]
    _scale, features = decode_payload(payload.json)
    assert features == [[[[(-1.9, 52.5)]], [[(-1.8, 52.4)]]]]
    script = folium.Map().add_child(upload_layer(frame, "a")).get_root().render()
    assert '"fillColor":"#F0E442"' in script and '"pointRadius":6' in script
    assert "L.geoJson(" not in script and "L.marker(" not in script and "L.circleMarker(" not in script


def test_the_worker_stops_work_past_its_memory_ceiling() -> None:
    from mapkit.errors import BudgetError
    from mapkit.workers import run_bounded

    with pytest.raises(BudgetError, match=r"needed more than 64 MB of memory and was stopped"):
        run_bounded(np.ones, 200_000_000, what="A test", memory_mb=64)
    with pytest.raises(BudgetError, match=r"took longer than 0.5 seconds and was stopped"):
        run_bounded(time.sleep, 5, what="A test", seconds=0.5)
    assert run_bounded(sum, [1, 2, 3], what="A test") == 6


@pytest.mark.parametrize(("data", "filename", "message"), [
    (json.dumps({"type": "Feature", "properties": {"name": "x"},
                 "geometry": {"type": "MultiPoint", "coordinates": [[-1.9, 52.5]] * 20_000}}).encode(), "a.geojson",
     r"MultiPoint of 20,000 points; the limit is 5,000 features"),
    (json.dumps({"type": "Feature", "properties": {"name": "x"},
                 "geometry": {"type": "LineString", "coordinates": [[-1.9, 52.5]] * 100_001}}).encode(), "a.geojson",
     r"has more than 100,000 vertices"),
    (b"name,lat,lon\n" + b"A,52.4,-1.9\n" * 6_000, "a.csv", r"has 6,000 rows; the limit is 5,000"),
    (b"{nope", "a.geojson", "is not valid JSON"),
    (b"", "a.csv", r"is empty \(0 bytes\)"),
], ids=["multipoint", "vertices", "csv rows", "not json", "empty"])
def test_over_budget_files_are_refused_before_any_worker_starts(monkeypatch: pytest.MonkeyPatch, data: bytes,
                                                                  filename: str, message: str) -> None:
    """Counting takes a few hundredths of a second; over-budget files used to wait 17-21 s for a worker first."""
    from mapkit import workers

    def no_worker(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker was asked for")

    monkeypatch.setattr(workers, "run_bounded", no_worker)
    with pytest.raises(UploadError, match=message):
        uploads.check_counts(data, filename)
    with pytest.raises(UploadError, match=message):
        read_upload_bounded(data, filename)
    with pytest.raises(UploadError, match=message):  # the worker would say the same
        read_upload(data, filename)


def test_files_within_budget_pass_the_count() -> None:
    assert uploads.check_counts(_fc(_feature("Polygon", [_random_ring(400)])), "a.geojson") is None
    assert uploads.check_counts(b"name,lat,lon\nA,52.4,-1.9\n", "a.csv") is None


def test_reading_in_the_worker_gives_the_same_frame_and_messages() -> None:
    data = _fc(_feature("Polygon", [_random_ring(200)]))
    assert read_upload_bounded(data, "a.geojson").geometry[0].equals(read_upload(data, "a.geojson").geometry[0])
    with pytest.raises(UploadError, match="is not valid JSON"):
        read_upload_bounded(b"{nope", "a.geojson")


def test_residents_near_a_repaired_polygon_match_the_unbounded_count() -> None:
    from mapkit.analysis import nearby

    shape = read_upload(_fc(_feature("Polygon", [_random_ring(400)])), "a.geojson").geometry[0]
    bounded = nearby.population_near_bounded(shape, distance_km=1.0)
    exact = nearby.population_near(shape, distance_km=1.0)
    assert bounded.total_population == pytest.approx(exact.total_population, rel=0.01)


def test_the_server_refuses_uploads_over_the_app_limit() -> None:
    """.streamlit/config.toml sets Streamlit's server-side limit to the app's 5 MB; the servers the tests and
    benchmarks start run from the repository root, where Streamlit reads it."""
    import subprocess
    import sys
    import tomllib

    root = Path(__file__).resolve().parents[3]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == uploads.MAX_BYTES
    shown = subprocess.run([sys.executable, "-m", "streamlit", "config", "show"], cwd=root, capture_output=True,
                           text=True, timeout=120, check=True).stdout
    assert "\nmaxUploadSize = 5\n" in shown
