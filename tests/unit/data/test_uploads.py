"""Bring your own overlay: every rejection has its message checked, accepted files are read correctly, and any
bytes at all give either a GeoDataFrame or an UploadError (hypothesis)."""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from mapkit.errors import MapkitError, UploadError
from mapkit.data.uploads import MAX_BYTES, MAX_FEATURES, read_upload
from mapkit.web.upload_layer import upload_layer


def _fc(*features, **top) -> bytes:
    return json.dumps({"type": "FeatureCollection", **top, "features": list(features)}).encode()


def _pt(lon=-1.9, lat=52.48, name="A", **props) -> dict:
    return {"type": "Feature", "properties": {"name": name, **props} if name is not None else props,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def _geom(kind: str, coords) -> dict:
    return {"type": "Feature", "properties": {"name": "G"}, "geometry": {"type": kind, "coordinates": coords}}


BNG_CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
SQUARE = [[-1.9, 52.4], [-1.8, 52.4], [-1.8, 52.5], [-1.9, 52.5], [-1.9, 52.4]]

REJECTIONS = [
    # file level
    ("empty", "a.csv", b"", r"'a.csv' is empty \(0 bytes\): choose the file again"),
    ("blank", "a.csv", b" \n\t\n", "contains only blank space"),
    ("too big", "a.csv", b"name,lat,lon\n" + b"x" * MAX_BYTES, r"is 5.0 MB; the limit is 5 MB: split it"),
    ("extension", "a.xlsx", b"name,lat,lon\nA,52,-1\n", r"'a.xlsx' is a .xlsx file: upload a .csv .* or a .geojson"),
    ("no extension", "places", b"name,lat,lon\nA,52,-1\n", "is a file without an extension: upload a .csv"),
    ("zip renamed", "a.csv", b"PK\x03\x04rest", "looks like an Excel workbook or a zip archive"),
    ("latin-1", "a.csv", "name,lat,lon\nCafé,52,-1\n".encode("latin-1"),
     r"is not UTF-8 text \(unexpected byte at position 16\): save it as UTF-8: in Excel choose 'CSV UTF-8"),
    ("utf-16", "a.csv", "name,lat,lon\n".encode("utf-16"), "is saved as UTF-16 text"),
    ("nul", "a.csv", b"name,lat,lon\nA\x00,52,-1\n", "contains NUL characters"),
    # CSV
    ("no name column", "a.csv", b"title,lat,lon\nA,52,-1\n",
     r"has no name column \(columns found: 'title', 'lat', 'lon'\): add a column headed 'name'"),
    ("no coordinates", "a.csv", b"name,town\nA,Leeds\n",
     "has no coordinate columns: add lat and lon .* or easting and northing"),
    ("lat without lon", "a.csv", b"name,lat\nA,52\n", r"has a latitude column but no longitude \(lon\) column"),
    ("lon without lat", "a.csv", b"name,lng\nA,-1\n", r"has a longitude column but no latitude \(lat\) column"),
    ("easting without northing", "a.csv", b"name,easting\nA,400000\n", "has an easting column but no northing column"),
    ("northing without easting", "a.csv", b"name,northing\nA,400000\n", "has a northing column but no easting column"),
    ("two latitude columns", "a.csv", b"name,lat,Latitude,lon\nA,52,52,-1\n",
     r"has more than one latitude column \('lat' and 'latitude'\): keep one"),
    ("header only", "a.csv", b"name,lat,lon\n", "has a header row but no data rows"),
    ("too many rows", "a.csv", b"name,lat,lon\n" + b"A,52,-1\n" * (MAX_FEATURES + 1),
     r"has 5,001 rows; the limit is 5,000: split it"),
    ("blank name", "a.csv", b"name,lat,lon\nA,52,-1\n ,52,-1\n", "line 3 has no name: fill in the name column"),
    ("missing value", "a.csv", b"name,lat,lon\nA,52,\n", "line 2 has no lon value: fill it in"),
    ("not a number", "a.csv", b"name,lat,lon\nA,north,-1\n", r"line 2: lat 'north' is not a number"),
    ("decimal comma", "a.csv", b"name;lat;lon\nA;52,48;-1,9\n", "use a full stop as the decimal separator"),
    ("nan", "a.csv", b"name,lat,lon\nA,NaN,-1\n", r"lat is 'NaN', not a finite number"),
    ("infinity", "a.csv", b"name,lat,lon\nA,52,-inf\n", r"lon is '-inf', not a finite number"),
    ("swapped", "a.csv", b"name,lat,lon\nA,-1.9,52.48\n",
     r"lat -1.9, lon 52.48 looks like lat/lon are swapped .*: swap the lat and lon column headers"),
    ("outside the UK", "a.csv", b"name,lat,lon\nParis,48.85,2.35\n",
     r"lat 48.85, lon 2.35 is outside the UK \(latitude 49.8 to 60.9, longitude -8.7 to 1.9\)"),
    ("positive longitude for the west", "a.csv", b"name,lat,lon\nA,52.48,9.9\n", "west of Greenwich have a negative"),
    ("metres in lat/lon", "a.csv", b"name,lat,lon\nA,286900,406900\n",
     "looks like British National Grid metres, not degrees: head the columns easting and northing"),
    ("degrees in easting/northing", "a.csv", b"name,easting,northing\nA,1.5,52.4\n",
     "looks like degrees, not British National Grid metres: head the columns lat and lon"),
    ("outside the grid", "a.csv", b"name,easting,northing\nA,800000,100000\n",
     r"is outside the British National Grid \(easting 0 to 700,000, northing 0 to 1,300,000 metres\)"),
    ("ragged row", "a.csv", b"name,lat,lon\nSmith, John,52,-1\n",
     "line 2 has 4 values but the header has 3: enclose values that contain the separator in double quotes"),
    ("csv error", "a.csv", b'name,lat,lon\n"' + b"x" * 200_000 + b'",52,-1\n', "could not be read as CSV"),
    ("many problems", "a.csv", b"name,lat,lon\n" + b"A,x,-1\n" * 7,
     r"has 7 problems: line 2: lat 'x' is not a number; .* \(and 2 more\)\."),
    # GeoJSON
    ("invalid json", "a.geojson", b'{"type": "FeatureCollection", "features": [}',
     r"is not valid JSON \(line 1, column 44: Expecting value\): export it again as GeoJSON"),
    ("deep json", "a.geojson", b"[" * 100_000, "could not be read as JSON"),
    ("huge number", "a.geojson", b'{"type": ' + b"1" * 5000 + b"}", "could not be read as JSON"),
    ("not geojson", "a.json", b"[1, 2, 3]", r"is JSON but not GeoJSON \(no \"type\" member"),
    ("bare geometry", "a.geojson", json.dumps({"type": "Point", "coordinates": [-1.9, 52.4]}).encode(),
     "is a bare Point geometry with no name: wrap it in a Feature"),
    ("unknown type", "a.geojson", b'{"type": "Topology"}', "has GeoJSON type 'Topology'; upload a FeatureCollection"),
    ("features not a list", "a.geojson", b'{"type": "FeatureCollection", "features": {}}',
     r"FeatureCollection without a \"features\" list"),
    ("no features", "a.geojson", _fc(), "has no features: add at least one feature"),
    ("too many features", "a.geojson", _fc(*[_pt()] * (MAX_FEATURES + 1)), r"has 5,001 features; the limit is 5,000"),
    ("feature not an object", "a.geojson", _fc(_pt(), 7), "feature 2 is not a GeoJSON Feature object"),
    ("null geometry", "a.geojson", _fc({"type": "Feature", "properties": {"name": "A"}, "geometry": None}),
     r"feature 1 has no geometry \(null\)"),
    ("geometry without type", "a.geojson", _fc({"type": "Feature", "properties": {"name": "A"}, "geometry": {}}),
     "feature 1 has a geometry without a type"),
    ("geometry collection", "a.geojson",
     _fc({"type": "Feature", "properties": {"name": "A"},
          "geometry": {"type": "GeometryCollection", "geometries": []}}),
     "feature 1 is a GeometryCollection, which is not supported: use Point, LineString or Polygon"),
    ("bad position", "a.geojson", _fc(_geom("Point", ["-1.9", "52.4"])),
     r"feature 1 has a position that is not \[longitude, latitude\] numbers"),
    ("boolean position", "a.geojson", _fc(_geom("Point", [True, False])), r"not \[longitude, latitude\] numbers"),
    ("nan position", "a.geojson", b'{"type": "Feature", "properties": {"name": "A"}, '
                                  b'"geometry": {"type": "Point", "coordinates": [NaN, 52.4]}}',
     r"not a finite number \(NaN or Infinity\)"),
    ("empty coordinates", "a.geojson", _fc(_geom("MultiPoint", [])),
     r"\(MultiPoint\) has empty or missing coordinates"),
    ("short line", "a.geojson", _fc(_geom("LineString", [[-1.9, 52.4]])), "a line with fewer than two positions"),
    ("open ring", "a.geojson", _fc(_geom("Polygon", [SQUARE[:-1] + [[-1.95, 52.45]]])),
     "a polygon ring that is not closed: make its last position equal its first"),
    ("short ring", "a.geojson", _fc(_geom("Polygon", [[[-1.9, 52.4], [-1.8, 52.4], [-1.9, 52.4]]])),
     "a polygon ring with fewer than four positions"),
    ("no name", "a.geojson", _fc(_pt(name=None, title="x")), r'feature 1 has no name: add a "name" property'),
    ("blank name", "a.geojson", _fc(_pt(name="  ")), "feature 1 has no name"),
    ("swapped", "a.geojson", _fc(_pt(lon=52.48, lat=-1.9)),
     r"has the position \[52.48, -1.9\], which looks like lat/lon are swapped .*GeoJSON positions are "
     r"\[longitude, latitude\]"),
    ("metres without crs", "a.geojson", _fc(_pt(lon=406900, lat=286900)),
     r'looks like British National Grid metres, not degrees: add "crs"'),
    ("other crs", "a.geojson", _fc(_pt(), crs={"type": "name", "properties": {"name": "EPSG:3857"}}),
     r"declares the coordinate system EPSG:3857, which this map cannot read: export it again as WGS84"),
    ("unreadable crs", "a.geojson", _fc(_pt(), crs={"type": "link", "properties": {"href": "x"}}),
     'has a "crs" member that cannot be read'),
    ("degrees declared as grid", "a.geojson", _fc(_pt(), crs=BNG_CRS),
     r'looks like degrees, not British National Grid metres: remove the EPSG:27700 "crs" member'),
    ("outside the declared grid", "a.geojson", _fc(_pt(lon=900000, lat=100000), crs=BNG_CRS),
     "is outside the British National Grid"),
]


@pytest.mark.parametrize("filename, data, message", [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS])
def test_rejected_upload_says_what_is_wrong_and_how_to_fix_it(filename, data, message):
    with pytest.raises(UploadError, match=message):
        read_upload(data, filename)


def test_upload_error_is_a_mapkit_error():
    assert issubclass(UploadError, MapkitError)
    with pytest.raises(TypeError, match="needs the file's bytes"):
        read_upload("name,lat,lon", "a.csv")


# --- accepted files ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lat, lon", [("lat", "lon"), ("Latitude", "Longitude"), ("LAT", "LNG"), ("latitude", "long"),
                                      (" Lat ", " Lon ")])
def test_csv_lat_lon_header_variants(lat, lon):
    frame = read_upload(f"Name,{lat},{lon},Notes\nHub,52.4862,-1.8904,new stop\n".encode(), "sites.csv")
    assert frame.crs.to_epsg() == 4326
    assert frame["name"].tolist() == ["Hub"] and frame["details"].tolist() == [{"Notes": "new stop"}]
    assert (frame.geometry.x[0], frame.geometry.y[0]) == (-1.8904, 52.4862)


@pytest.mark.parametrize("data", [
    b"name;lat;lon\nA;52.5;-1.9\n",
    b"name\tlat\tlon\nA\t52.5\t-1.9\n",
    b"\xef\xbb\xbfname,lat,lon\r\nA,52.5,-1.9\r\n",
    b'"name","lat","lon"\n"A","52.5","-1.9"\n\n\n',
])
def test_csv_separators_bom_and_quotes(data):
    frame = read_upload(data, "a.CSV")
    assert frame["name"].tolist() == ["A"] and frame.geometry[0].coords[0] == (-1.9, 52.5)


def test_csv_british_national_grid_is_reprojected():
    frame = read_upload(b"name,Easting,Northing\nCouncil House,406900,286900\n", "bng.csv")
    lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(406900, 286900)
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry[0].x == pytest.approx(lon) and frame.geometry[0].y == pytest.approx(lat)
    assert 52.47 < lat < 52.49 and -1.91 < lon < -1.89  # central Birmingham


def test_geojson_with_mixed_geometry_types_is_accepted():
    data = _fc(_pt(name="Station", platform=2, step_free=True),
               _geom("LineString", [[-1.9, 52.4], [-1.8, 52.5]]),
               _geom("Polygon", [SQUARE]),
               _geom("MultiPolygon", [[SQUARE]]))
    frame = read_upload(data, "scheme.geojson")
    assert frame.geom_type.tolist() == ["Point", "LineString", "Polygon", "MultiPolygon"]
    assert frame["details"][0] == {"platform": "2", "step_free": "true"}


@pytest.mark.parametrize("crs", [None, {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
                                 {"type": "name", "properties": {"name": "EPSG:4326"}},
                                 {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4326"}}])
def test_geojson_in_wgs84(crs):
    top = {"crs": crs} if crs else {}
    frame = read_upload(_fc(_pt(), **top), "a.geojson")
    assert frame.geometry[0].coords[0] == (-1.9, 52.48)


@pytest.mark.parametrize("name", ["urn:ogc:def:crs:EPSG::27700", "EPSG:27700",
                                  "http://www.opengis.net/def/crs/EPSG/0/27700"])
def test_geojson_declared_in_british_national_grid_is_reprojected(name):
    crs = {"type": "name", "properties": {"name": name}}
    frame = read_upload(_fc(_pt(lon=406900, lat=286900), _geom("LineString", [[406900, 286900], [407900, 287900]]),
                            crs=crs), "a.geojson")
    assert frame.crs.to_epsg() == 4326
    assert 52.47 < frame.geometry[0].y < 52.49 and -1.91 < frame.geometry[0].x < -1.89
    assert frame.geometry[1].length == pytest.approx(0.0173, abs=0.001)  # about 1.4 km, in degrees


def test_single_feature_and_3d_positions():
    feature = {"type": "Feature", "properties": {"NAME": "Tower"}, "geometry": {"type": "Point",
                                                                             "coordinates": [-1.9, 52.48, 140.0]}}
    frame = read_upload(json.dumps(feature).encode(), "one.json")
    assert frame["name"].tolist() == ["Tower"] and not frame.geometry[0].has_z


# --- drawing ----------------------------------------------------------------------------------------------------

def test_upload_layer_escapes_names_details_and_layer_name():
    evil = "<script>alert(1)</script>"
    data = _fc(_pt(name=evil, note="<img src=x onerror=alert(2)>"), _geom("LineString", [[-1.9, 52.4], [-1.8, 52.5]]))
    frame = read_upload(data, "a.geojson")
    fmap = folium.Map(tiles=None)
    group = upload_layer(frame, "my <b>file</b>")
    group.add_to(fmap)
    folium.LayerControl().add_to(fmap)
    html = fmap.get_root().render()
    assert evil not in html and "<img src=x" not in html and "my <b>file</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert group.layer_name == "Your layer: my &lt;b&gt;file&lt;/b&gt;"
    assert html.count("window.mapkit.uploads.layer(") == 1 and '\\"kinds\\":[\\"point\\",\\"line\\"]' in html


# --- fuzzing ----------------------------------------------------------------------------------------------------

def _outcome(data: bytes, filename: str) -> None:
    try:
        frame = read_upload(data, filename)
    except UploadError as exc:
        assert str(exc)
        return
    assert isinstance(frame, gpd.GeoDataFrame) and len(frame) > 0 and frame.crs.to_epsg() == 4326
    assert frame["name"].map(lambda n: isinstance(n, str) and n.strip() != "").all()


FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.binary(max_size=3000), filename=st.sampled_from(["f.csv", "f.geojson", "f.json"]))
def test_any_bytes_give_a_frame_or_an_upload_error(data, filename):
    _outcome(data, filename)


CSV_ALPHABET = st.sampled_from(list(",;\t\n\r\"' .-+eE0123456789") + ["name", "lat", "lon", "lng", "easting",
                                                                     "northing", "NaN", "inf", "52.4", "-1.9",
                                                                     "406900", "\ufeff", "é", "\x00"])


@FUZZ
@given(parts=st.lists(CSV_ALPHABET, max_size=80))
def test_csv_like_text_gives_a_frame_or_an_upload_error(parts):
    _outcome(("name,lat,lon\n" + "".join(parts)).encode("utf-8"), "f.csv")


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
JSON = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)
NUMBER = st.floats(allow_nan=True, allow_infinity=True) | st.integers(min_value=-10**30, max_value=10**30) \
    | st.sampled_from([-1.9, 52.48, 406900, 286900])
POSITION = st.lists(NUMBER, min_size=0, max_size=4)
COORDS = st.recursive(POSITION, lambda inner: st.lists(inner, max_size=5), max_leaves=12)
GEOMETRY = st.none() | JSON | st.fixed_dictionaries({
    "type": st.sampled_from(["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                             "GeometryCollection", "Circle"]),
    "coordinates": COORDS | JSON})
FEATURE = JSON | st.fixed_dictionaries({
    "type": st.just("Feature"),
    "properties": st.none() | JSON | st.fixed_dictionaries({"name": JSON_SCALARS | JSON}),
    "geometry": GEOMETRY})
CRS = st.none() | JSON | st.fixed_dictionaries({"type": st.just("name"), "properties": st.fixed_dictionaries(
    {"name": st.sampled_from(["EPSG:4326", "EPSG:27700", "urn:ogc:def:crs:EPSG::3857", "CRS84", "EPSG:"])})})


@FUZZ
@given(features=st.lists(FEATURE, max_size=5), crs=CRS, wrap=st.booleans())
def test_geojson_like_documents_give_a_frame_or_an_upload_error(features, crs, wrap):
    document = {"type": "FeatureCollection", "features": features} if wrap or not features else features[0]
    if crs is not None and isinstance(document, dict):
        document = {**document, "crs": crs}
    _outcome(json.dumps(document).encode("utf-8"), "f.geojson")


# --- a session's quota ------------------------------------------------------------------------------------------

def test_held_files_are_dropped_oldest_first_to_make_room() -> None:
    from mapkit.data.uploads import MAX_BYTES, held_over_quota

    assert held_over_quota([], MAX_BYTES) == []
    assert held_over_quota([("a", 10)], MAX_BYTES) == []  # the file on the map and its replacement
    assert held_over_quota([("a", 10), ("b", 10)], 10) == ["a"]
    assert held_over_quota([("a", MAX_BYTES), ("b", MAX_BYTES // 2)], MAX_BYTES) == ["a"]
    assert held_over_quota([("a", 1), ("b", 1), ("c", 1), ("d", 1)], 1) == ["a", "b", "c"]


def test_quota_messages_say_what_happened_and_what_to_do() -> None:
    from mapkit.data.uploads import MAX_SESSION_FILES, quota_message

    assert quota_message(files_read=MAX_SESSION_FILES - 1) is None and quota_message() is None
    assert quota_message(files_read=MAX_SESSION_FILES) == (
        "This session has read 20 files, the most one session may: each takes a turn of the server's workers, "
        "which everyone shares. Reload the page to start a new session.")
    assert quota_message(dropped=1).startswith("1 file this session sent was not kept: the server keeps at most 2 "
                                               "uploaded files (10 MB) per session, the newest.")
    assert quota_message(dropped=38).startswith("38 files this session sent were not kept")
