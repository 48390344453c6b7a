"""A user's own area (mapkit.data.own_areas) and its link token (mapkit.data.area_link)."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from mapkit.data import area_link, own_areas
from mapkit.data.products import load_boundaries
from mapkit.data.uploads import read_upload
from mapkit.errors import ParameterError, UploadError

EBNS_WARDS = ("E05011120,E05011127,E05011126,E05011131,E05011132,E05011137,E05011139,E05011138,E05011145,E05011155,"
              "E05011162,E05011165,E05011166,E05011167,E05011169,E05011170,E05011182,E05011183,E05011185,E05011186,"
              "E05001287,E05001290,E05001300")
# A quadrilateral over east Birmingham (lon, lat).
EAST_BIRMINGHAM = Polygon([(-1.84, 52.47), (-1.76, 52.46), (-1.74, 52.50), (-1.83, 52.51)])


# --- the codec ------------------------------------------------------------------------------------------------------

def test_codes_round_trip_in_a_few_characters():
    codes = tuple(sorted(EBNS_WARDS.split(",")))
    token = area_link.encode_codes(codes)
    assert token.startswith("w") and len(token) < 40
    assert area_link.decode_codes(token) == codes
    lsoas = ("E01000001", "E01033768", "E01009000")
    assert area_link.decode_codes(area_link.encode_codes(lsoas)) == tuple(sorted(lsoas))


def test_rings_round_trip_to_a_metre_and_use_only_url_safe_characters():
    rings = [[[(-1.84, 52.47), (-1.76, 52.46), (-1.74, 52.5), (-1.83, 52.51)],
              [(-1.8, 52.48), (-1.79, 52.48), (-1.79, 52.49)]],
             [[(0.1, 51.5), (0.2, 51.5), (0.2, 51.6)]]]
    token = area_link.encode_rings(rings)
    assert all(ch.isalnum() or ch in "-_.~" for ch in token)
    back = area_link.decode_rings(token)
    assert [[len(r) for r in p] for p in back] == [[4, 3], [3]]
    for polygon, original in zip(back, rings):
        for ring, ring0 in zip(polygon, original):
            for (x, y), (x0, y0) in zip(ring, ring0):
                assert abs(x - x0) <= area_link.PRECISION / 2 + 1e-12 and abs(y - y0) <= area_link.PRECISION / 2 + 1e-12


@pytest.mark.parametrize("token, message", [
    ("", "neither a list of codes nor an outline"),
    ("x123", "neither a list of codes nor an outline"),
    ("w", "empty"),
    ("w" + "_" * 10, "too large|cut short"),
    ("wA%", "characters it cannot"),
    ("s" + "A" * 4, "fewer than three corners"),
    ("sAB", "fewer than three corners"),
    ("w" + "A" * 5000, "at most"),
    ("l___f", "cannot exist"),
])
def test_bad_tokens_are_refused_with_a_message(token, message):
    with pytest.raises(ParameterError, match=message):
        if token[:1] == "s":
            area_link.decode_rings(token)
        else:
            area_link.decode_codes(token)


def test_mixed_or_malformed_codes_cannot_be_encoded():
    with pytest.raises(ParameterError, match="one kind at a time"):
        area_link.encode_codes(["E05011120", "E01000001"])
    with pytest.raises(ParameterError, match="one kind at a time"):
        area_link.encode_codes(["E0501112"])


# --- names and codes ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("given, expected", [
    ("  East   Birmingham ", "East Birmingham"), ("a\x00b\nc", "a b c"), ("", own_areas.DEFAULT_NAME),
    (None, own_areas.DEFAULT_NAME), ("x" * 200, "x" * own_areas.MAX_NAME), ("\u202e\u200b", own_areas.DEFAULT_NAME),
])
def test_names_are_plain_printable_text(given, expected):
    assert own_areas.clean_name(given) == expected


def test_pasted_codes_are_split_upper_cased_and_kept_once():
    assert own_areas.parse_codes(" e05011120,E05011127;\nE05011120\tE05001287 ") == (
        "E05011120", "E05011127", "E05001287")
    with pytest.raises(ParameterError, match="Not ward or LSOA codes: 'Birmingham'"):
        own_areas.parse_codes("E05011120, Birmingham")


def test_a_group_of_wards_is_checked_against_the_boundaries():
    area = own_areas.from_codes(EBNS_WARDS, name="EBNS")
    assert area.kind == "ward" and area.level == "ward" and len(area.codes) == 23 and area.description == "23 wards"
    assert area.codes == tuple(sorted(area.codes))
    with pytest.raises(ParameterError, match="mixes ward codes"):
        own_areas.from_codes("E05011120,E01000001")
    with pytest.raises(ParameterError, match=r"Not wards \(May 2024\) of England: E05999999"):
        own_areas.from_codes("E05011120,E05999999")
    kept = own_areas.from_codes("E05011120,E05999999", drop_unknown=True)
    assert kept.codes == ("E05011120",) and "Left out" in kept.notes[0]
    with pytest.raises(ParameterError, match="at most 1,000"):
        own_areas.from_codes([f"E01{n:06d}" for n in range(1, 1002)])
    with pytest.raises(ParameterError, match="No codes given"):
        own_areas.from_codes(" , ")


def test_the_outline_of_a_group_is_the_union_of_its_areas():
    area = own_areas.from_codes(EBNS_WARDS)
    wards = load_boundaries("ward")
    union = wards[wards["code"].isin(area.codes)].to_crs(27700).union_all()
    drawn = gpd.GeoSeries([area.geometry], crs=4326).to_crs(27700).iloc[0]
    assert drawn.symmetric_difference(union).area / union.area < 1e-6


# --- outlines -------------------------------------------------------------------------------------------------------

def test_a_self_crossing_outline_is_repaired_with_a_note():
    bow_tie = Polygon([(-1.84, 52.47), (-1.76, 52.51), (-1.76, 52.47), (-1.84, 52.51)])
    area = own_areas.from_shape(bow_tie, name="bow tie")
    assert area.shape.is_valid and area.shape.geom_type == "MultiPolygon" and len(area.shape.geoms) == 2
    assert "crossed itself" in area.notes[0] and "make_valid" in area.notes[0]


@pytest.mark.parametrize("geometry, message", [
    (Polygon([(-1.8, 52.4), (-1.7, 52.4), (-1.6, 52.4), (-1.8, 52.4)]), "no area"),
    (box(10, 40, 11, 41), "outside England"),
    (Polygon(), "no outline"),
])
def test_outlines_without_area_or_outside_england_are_refused(geometry, message):
    with pytest.raises(ParameterError, match=message):
        own_areas.from_shape(geometry)


def test_drawings_are_joined_and_a_circle_keeps_its_radius():
    circle = {"type": "Feature", "properties": {"radius": 1000.0},
              "geometry": {"type": "Point", "coordinates": [-1.80, 52.48]}}
    square = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(EAST_BIRMINGHAM)}
    area = own_areas.from_drawings([circle], name="circle")
    bng = gpd.GeoSeries([area.shape], crs=4326).to_crs(27700).iloc[0]
    assert bng.area == pytest.approx(math.pi * 1000.0 ** 2, rel=0.01)
    centre = gpd.GeoSeries([Point(-1.80, 52.48)], crs=4326).to_crs(27700).iloc[0]
    assert bng.centroid.distance(centre) < 1.0
    both = own_areas.from_drawings([square, circle])
    assert both.shape.contains(area.shape.representative_point())


@pytest.mark.parametrize("features, message", [
    ([], "Nothing is drawn"),
    (None, "Nothing is drawn"),
    ([{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[-1.8, 52.4],
                                                                                            [-1.7, 52.5]]}}],
     "Only polygons, rectangles and circles"),
    ([{"type": "Feature", "properties": {"radius": -5}, "geometry": {"type": "Point", "coordinates": [-1.8, 52.4]}}],
     "no usable radius"),
    ([{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[-1.8, 52.4]] * 3]}}],
     "fewer than four positions"),
    ([{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
                                                          "coordinates": [[[-1.8, 52.4], [-1.7, 52.4]] * 60_000
                                                                          + [[-1.8, 52.4]]]}}], "vertices"),
])
def test_bad_drawings_get_a_message(features, message):
    with pytest.raises(UploadError, match=message):
        own_areas.from_drawings(features)


def test_too_many_drawings_are_refused():
    square = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(EAST_BIRMINGHAM)}
    with pytest.raises(UploadError, match="at most 50"):
        own_areas.from_drawings([square] * 51)


# --- files and links ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda: own_areas.from_codes(EBNS_WARDS, name="EBNS & co"),
                                  lambda: own_areas.from_shape(EAST_BIRMINGHAM, name="East <b>Brum</b>")])
def test_saved_geojson_round_trips_with_the_upload_reader(make):
    area = make()
    data = own_areas.to_geojson(area)
    upload = read_upload(data, "saved.geojson")  # the upload reader takes it as it is
    assert list(upload["name"]) == [area.name]
    back = own_areas.from_geojson(data, "saved.geojson")
    assert back.name == area.name and back.kind == area.kind and back.codes == area.codes
    assert back.geometry.symmetric_difference(area.geometry).area / area.geometry.area < 1e-6


def test_a_geojson_of_points_is_not_an_area():
    data = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "p"}, "geometry": {"type": "Point", "coordinates": [-1.8, 52.4]}}]})
    with pytest.raises(UploadError, match="polygons only"):
        own_areas.from_geojson(data.encode(), "points.geojson")


def test_a_detailed_outline_is_simplified_for_the_link_with_the_tolerance_stated():
    detailed = Point(-1.8, 52.48).buffer(0.05, quad_segs=400)  # 1,600 vertices
    area = own_areas.from_shape(detailed)
    token, note = own_areas.to_token(area)
    assert "simplified to" in note and "tolerance" in note
    back = own_areas.from_token(token)
    count = int(shapely.get_num_coordinates(back.shape)) - 1
    assert count <= own_areas.LINK_VERTICES
    assert back.shape.symmetric_difference(area.shape).area / area.shape.area < 0.01
    assert len(token) < 1_500


def test_many_parts_keep_the_largest_in_the_link():
    parts = shapely.MultiPolygon([Point(-2 + i * 0.02, 52.4).buffer(0.005 + 0.0001 * i, quad_segs=16)
                                  for i in range(60)])
    area = own_areas.from_shape(parts)
    token, note = own_areas.to_token(area)
    back = own_areas.from_token(token)
    assert int(shapely.get_num_coordinates(back.shape)) - len(back.shape.geoms) <= own_areas.LINK_VERTICES
    assert "simplified" in note


def test_links_of_codes_drop_codes_no_longer_known():
    token = area_link.encode_codes(["E05011120", "E05999999"])
    area = own_areas.from_token(token, name="x")
    assert area.codes == ("E05011120",) and area.notes
    assert own_areas.from_token(own_areas.to_token(area)[0]).codes == ("E05011120",)


def test_the_code_is_stable_and_does_not_depend_on_the_name():
    one = own_areas.from_codes(EBNS_WARDS, name="a")
    assert one.code == own_areas.from_codes(EBNS_WARDS, name="b").code
    assert one.code.startswith("own-") and len(one.code) == 14
