"""A View <-> URL query parameters: round trips, and every malformed link falls back with a notice."""

from __future__ import annotations

import dataclasses

import pytest

from mapkit import links
from mapkit.links import parse_query, to_query
from mapkit.view import DEFAULT, View

WMCA = "E47000007"
COVENTRY = "E08000026"
BINLEY = "E05001219"  # Binley and Willenhall ward, Coventry

VALID_VIEWS = [
    DEFAULT,
    View(region="E92000001", level="lad", indicator="gdhi_per_head", scheme="natural_breaks", k=7,
         breaks_from="region", palette="viridis", basemap="osm"),
    View(region=COVENTRY, level="lsoa", indicator="income_score", scheme="equal_interval", k=3,
         breaks_from="england", palette="print", basemap="none"),
    View(region=WMCA, level="ward", indicator="imd_score", scheme="national_deciles", area=BINLEY,
         overlays=("transport_schemes",)),
    dataclasses.replace(DEFAULT, overlays=("growth_locations", "transport_schemes"),
                        statuses=("under construction", "proposed")),
    dataclasses.replace(DEFAULT, overlays=("transport_schemes",), statuses=()),
    dataclasses.replace(DEFAULT, overlays=("growth_locations",), as_of="2024-05-01"),
    View(region="E92000001", level="ca", indicator="gva_per_hour", scheme="quantiles", k=9),
    View(region="E92000001", level="lad", indicator="gva_per_hour", scheme="quantiles",
         compare_areas=("E08000025", "E08000003", "E08000035")),
    View(region="E92000001", level="lad", indicator="imd_score", scheme="national_deciles", layout="hex"),
    dataclasses.replace(DEFAULT, layout="hex"),
]


@pytest.mark.parametrize("view", VALID_VIEWS, ids=lambda v: f"{v.region}-{v.level}-{v.indicator}")
def test_valid_views_round_trip_without_notices(view: View) -> None:
    query = to_query(view)
    assert all(isinstance(v, str) for v in query.values())
    parsed, notices = parse_query(query, overlay_ids={"transport_schemes", "growth_locations"})
    assert notices == []
    assert parsed == view


def test_an_empty_link_opens_the_default_view() -> None:
    assert parse_query({}) == (DEFAULT, [])
    assert DEFAULT.region == WMCA and DEFAULT.level == "ward" and DEFAULT.indicator == "imd_score"


def test_links_carry_every_setting_and_the_selected_area() -> None:
    query = to_query(dataclasses.replace(DEFAULT, area=BINLEY, overlays=("a", "b"), postcode="B9 5RP",
                                         compare_areas=(BINLEY,)))
    assert set(query) == set(links.QUERY_KEYS) - {"year", "change", "centre", "asof", "similar", "place", "own",
                                                  "own_name", "versus", "versus_year", "versus_change",
                                                  "layout"}  # written only when chosen
    assert query["compare_areas"] == BINLEY
    assert query["overlays"] == "a,b"
    assert "area" not in to_query(DEFAULT)


MALFORMED = [
    ({"region": "E99999999"}, "region", WMCA, "not a known area code"),
    ({"region": "<script>alert(1)</script>"}, "region", WMCA, "not a known area code"),
    ({"level": "county"}, "level", "ward", "not one of"),
    ({"region": "E92000001", "level": "county"}, "level", "ward", "not one of"),
    ({"region": COVENTRY, "level": "ca"}, "level", "ward", "do not fit inside Coventry"),
    ({"indicator": "happiness"}, "indicator", "imd_score", "is not known"),
    ({"indicator": "gdhi_per_head"}, "indicator", "imd_score", "not available for wards"),
    ({"indicator": "imd_average_rank", "scheme": "national_deciles"}, "scheme", "quantiles",
     "no official national deciles"),
    ({"scheme": "jenks"}, "scheme", "quantiles", "classification `jenks` is not known"),
    ({"k": "twelve"}, "k", 5, "between 3 and 9"),
    ({"k": "12"}, "k", 5, "between 3 and 9"),
    ({"k": "2"}, "k", 5, "between 3 and 9"),
    ({"k": "-4"}, "k", 5, "between 3 and 9"),
    ({"breaks": "world"}, "breaks_from", "england", "class breaks `world` are not known"),
    ({"palette": "rainbow"}, "palette", "default", "palette `rainbow` is not known"),
    ({"basemap": "satellite"}, "basemap", "light", "basemap `satellite` is not known"),
    ({"area": "E05000001"}, "area", None, "is not one of the wards of West Midlands"),
    ({"area": BINLEY, "level": "lad"}, "area", None, "is not one of the districts"),
    ({"overlays": "ufo_sightings"}, "overlays", (), "overlay `ufo_sightings` is not available"),
    ({"statuses": "open,demolished"}, "statuses", ("open",), "overlay status `demolished` is not known"),
    ({"statuses": "<b>x</b>"}, "statuses", None, "showing every status"),
    ({"region": "x" * 500}, "region", WMCA, "too long"),
    ({"level": "lad", "indicator": "gva_per_hour", "year": "1990"}, "year", None, "ONS publishes 2004 to 2023"),
    ({"level": "lad", "indicator": "gva_per_hour", "year": "<b>"}, "year", None, "is not a year"),
    ({"level": "lad", "indicator": "gva_per_hour", "change": "2023:2013"}, "change", None, "must come before"),
    ({"level": "lad", "indicator": "gva_per_hour", "change": "soon"}, "change", None, "of the form 2013:2023"),
    ({"year": "2013"}, "year", None, "no ONS time series at level 'ward'"),
    ({"level": "lad", "indicator": "gva_per_hour", "change": "2013:2023", "centre": "<i>"}, "centre", "zero",
     "centre `?i?` is not known"),
    ({"area": BINLEY, "similar": "yes"}, "similar", False, "similar `yes` is not 1 or 0"),
    ({"place": "transport_schemes:nowhere", "overlays": "transport_schemes"}, "place", None,
     "`nowhere` is not a mapped feature of that group"),
    ({"place": "transport_schemes:cov-vlr-wards"}, "place", None, "group `transport_schemes` is not turned on"),
    ({"place": "<b>"}, "place", None, "write it as overlay:feature"),
    ({"region": COVENTRY, "level": "lsoa", "area": "E01009522", "similar": "1"}, "similar", False,
     "not LSOAs: none are outlined"),
]


@pytest.mark.parametrize(("params", "field", "fallback", "notice"), MALFORMED,
                         ids=[f"{m[1]}={str(list(m[0].values())[-1])[:20]}" for m in MALFORMED])
def test_malformed_values_fall_back_with_a_notice(params: dict, field: str, fallback, notice: str) -> None:
    view, notices = parse_query(params, overlay_ids={"transport_schemes"})
    assert getattr(view, field) == fallback
    assert any(notice in n for n in notices), notices


@pytest.mark.parametrize("params", [p for p, *_ in MALFORMED])
def test_notices_never_carry_markup_from_the_link(params: dict) -> None:
    _, notices = parse_query(params)
    for notice in notices:
        assert "<" not in notice and ">" not in notice
        assert len(notice) < 400


@pytest.mark.parametrize("extra", [{"year": "2013"}, {"change": "2013:2023", "centre": "england"}])
def test_year_and_change_travel_in_the_link(extra: dict) -> None:
    view, notices = parse_query({"region": WMCA, "level": "lad", "indicator": "gva_per_hour", **extra})
    assert notices == []
    assert view.year == (2013 if "year" in extra else None)
    assert view.change == ((2013, 2023) if "change" in extra else None)
    assert view.centre == extra.get("centre", "zero")
    query = to_query(view)
    assert {k: query[k] for k in extra} == extra
    assert parse_query(query)[0] == view


def test_the_layout_travels_in_the_link_only_when_it_is_the_hex_map() -> None:
    assert "layout" not in to_query(DEFAULT), "links to the map keep their earlier form"
    assert to_query(dataclasses.replace(DEFAULT, layout="hex"))["layout"] == "hex"
    view, notices = parse_query({"region": "E92000001", "level": "lad", "layout": "hex"})
    assert (view.layout, notices) == ("hex", [])
    both = parse_query({"region": "E92000001", "level": "lad", "indicator": "imd_score", "versus": "gdhi_per_head",
                        "own": "E05011120,E05011127", "layout": "hex"})
    assert both[1] == [] and (both[0].layout, both[0].versus, both[0].own_area.codes) == \
        ("hex", "gdhi_per_head", ("E05011120", "E05011127")), "the hex map with a second measure and an own area"
    query = to_query(both[0])
    assert (query["layout"], query["versus"]) == ("hex", "gdhi_per_head") and parse_query(query) == both


@pytest.mark.parametrize(("params", "notice"), [
    ({"region": "E92000001", "level": "ward", "layout": "hex"}, "not for England as a whole"),
    ({"level": "lsoa", "layout": "hex"}, "Hex maps are made of districts and of wards, not of LSOAs."),
    ({"layout": "<b>globe</b>"}, "The link's layout `?b?globe??b?` is not known: showing the map."),
])
def test_a_layout_that_cannot_be_drawn_falls_back_to_the_map_with_a_notice(params: dict, notice: str) -> None:
    view, notices = parse_query(params)
    assert view.layout == "map"
    assert len(notices) == 1 and notice in notices[0] and "<" not in notices[0]


def test_old_links_name_the_class_breaks_compare() -> None:
    """``compare=`` was the first name of ``breaks=`` (where class breaks come from); a link written then still opens
    the same classes, and the new name wins when a link has both."""
    assert parse_query({"compare": "region"}) == (dataclasses.replace(DEFAULT, breaks_from="region"), [])
    assert parse_query({"compare": "region", "breaks": "england"}) == (DEFAULT, [])
    assert to_query(dataclasses.replace(DEFAULT, breaks_from="region"))["breaks"] == "region"


def test_similar_outlines_close_with_the_profile_without_a_notice() -> None:
    assert parse_query({"similar": "1"}) == (DEFAULT, [])
    assert parse_query({"area": BINLEY, "similar": "1"})[0].similar is True


def test_unknown_parameters_are_reported_and_streamlits_own_ignored() -> None:
    view, notices = parse_query({"utm_source": "mail", "embed": "true", "region": WMCA})
    assert view == DEFAULT
    assert notices == ["The link has parameters this map does not use, which were ignored: `utm_source`."]


def test_a_repeated_parameter_takes_its_last_value() -> None:
    view, notices = parse_query({"level": ["ward", "lad"], "region": [WMCA]})
    assert view.level == "lad" and notices == []


def test_several_problems_give_several_notices_and_a_consistent_view() -> None:
    view, notices = parse_query({"region": "E92000001", "level": "county", "indicator": "gdhi_per_head",
                                 "k": "x", "palette": "neon"})
    assert (view.region, view.level, view.indicator, view.k, view.palette) == (
        "E92000001", "ward", "imd_score", 5, "default")
    assert len(notices) == 4


def test_overlays_keep_known_ids_once_in_order() -> None:
    view, notices = parse_query({"overlays": "b,a,b,zzz"}, overlay_ids={"a", "b"})
    assert view.overlays == ("b", "a")
    assert len(notices) == 1


@pytest.mark.parametrize(("params", "notice"), [
    ({"overlays": ",".join(["nope"] * 20)}, "The link's overlay `nope` is not available and was left out."),
    ({"overlays": "transport_schemes", "statuses": ",".join(["bad"] * 20 + ["open"])},
     "The link's overlay status `bad` is not known and was left out (use open, under construction, planned, "
     "proposed, unclassified)."),
    ({"compare_areas": ",".join(["E0"] * 20)}, "Not wards of England, so left out of the comparison: `E0`."),
], ids=["overlays", "statuses", "compare areas"])
def test_twenty_copies_of_one_bad_value_give_one_notice(params: dict, notice: str) -> None:
    """Issue 27: twenty copies of one bad link parameter gave seven identical notices and "13 more problems"."""
    _view, notices = parse_query(params, overlay_ids={"transport_schemes"})
    assert notices == [notice]


def test_different_problems_are_each_kept_once_and_capped() -> None:
    _view, notices = parse_query({"overlays": ",".join(f"b{i % 12}" for i in range(40))}, overlay_ids={"a"})
    assert len(notices) == links.MAX_NOTICES and len(set(notices)) == links.MAX_NOTICES
    assert notices[-1] == "The link has 5 more problems, not listed here."


@pytest.mark.parametrize(("text", "statuses"), [
    ("all", None),
    ("none", ()),
    ("open", ("open",)),
    ("Proposed,under_construction,open,proposed", ("open", "under construction", "proposed")),
    ("open,under_construction,planned,proposed,unclassified", None),  # every status is the same as all
])
def test_statuses_are_read_in_declared_order(text: str, statuses) -> None:
    view, notices = parse_query({"overlays": "transport_schemes", "statuses": text}, overlay_ids={"transport_schemes"})
    assert view.statuses == statuses and notices == []


def test_statuses_are_written_when_overlays_are_on_or_a_choice_was_made() -> None:
    assert "statuses" not in to_query(DEFAULT)
    assert to_query(dataclasses.replace(DEFAULT, statuses=("open",)))["statuses"] == "open"
    with_overlays = dataclasses.replace(DEFAULT, overlays=("transport_schemes",))
    assert to_query(with_overlays)["statuses"] == "all"
    assert to_query(dataclasses.replace(with_overlays, statuses=()))["statuses"] == "none"
    assert to_query(dataclasses.replace(with_overlays, statuses=("under construction",)))["statuses"] == \
        "under_construction"


@pytest.mark.parametrize("value", ["2024-13-01", "<script>", "1800-01-01", "31/01/2025"])
def test_a_bad_as_of_date_falls_back_to_today_with_a_notice(value: str) -> None:
    view, notices = parse_query({"overlays": "growth_locations", "asof": value})
    assert view.as_of is None
    assert len(notices) == 1 and "as-of date" in notices[0] and "<" not in notices[0]


# ------------------------------------------------------------------------------ every field through the link
EVERY_FIELD = View(region="E92000001", level="lad", indicator="gva_per_hour", scheme="natural_breaks", k=7,
                   breaks_from="region", palette="viridis", basemap="osm", area="E08000026",
                   overlays=("transport_schemes", "growth_locations"), statuses=("open", "planned"),
                   postcode="B9 5RP", change=(2013, 2023), centre="england",
                   compare_areas=("E08000025", "E08000026", "E08000027"), as_of="2024-05-01", similar=True,
                   place="growth_locations:wm-investment-zone-birmingham-knowledge-quarter-zone",
                   versus="median_weekly_pay", versus_change=(2014, 2024), own="wnoBpzJH", own_name="Three wards",
                   layout="hex")
"""A view with every field set to something other than its default (a year is the other view: a view maps one
year or one change, not both; so does its second measure)."""
EVERY_FIELD_YEAR = dataclasses.replace(EVERY_FIELD, change=None, centre=View.centre, year=2015, versus_change=None,
                                       versus_year=2016)


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(View)])
def test_every_field_of_the_view_travels_in_the_link(field: str) -> None:
    """A new View field without a link form fails here (the field keeps its default after the round trip)."""
    view = EVERY_FIELD_YEAR if field in ("year", "versus_year") else EVERY_FIELD
    assert getattr(view, field) != getattr(View(), field), f"give {field!r} a non-default value above"
    parsed, notices = parse_query(to_query(view))
    assert notices == []
    assert getattr(parsed, field) == getattr(view, field)


@pytest.mark.parametrize("view", [EVERY_FIELD, EVERY_FIELD_YEAR], ids=["change", "year"])
def test_a_view_with_every_field_set_round_trips_whole(view: View) -> None:
    assert view.check() == view
    assert parse_query(to_query(view)) == (view, [])
def test_an_own_area_travels_in_the_link_as_codes_or_outline() -> None:
    from shapely.geometry import Point

    from mapkit.data import own_areas

    wards = own_areas.from_codes("E05011120,E05011127,E05001287", name="Three wards")
    outline = own_areas.from_shape(Point(-1.8, 52.48).buffer(0.05, quad_segs=200))  # 800 vertices
    for area in (wards, outline):
        view = dataclasses.replace(DEFAULT, own=area.link[0], own_name=area.name)
        query = to_query(view)
        assert len(query["own"]) < 1_500
        back, notices = parse_query(query)
        assert notices == [] and back.own == query["own"] and back.own_area.name == area.name
    assert parse_query(to_query(dataclasses.replace(DEFAULT, own=wards.link[0])))[0].own_area.codes == wards.codes
    written, notices = parse_query({"own": "e05011120, E05011127"})  # codes written out are read too
    assert notices == [] and written.own_area.codes == ("E05011120", "E05011127")


@pytest.mark.parametrize("own, notice", [
    ("s<script>alert(1)</script>", "could not be read"),
    ("wAAAA%", "could not be read"),
    ("E05011120,E05999999", "Left out, not wards"),
    ("E05011120,<img src=x>", "could not be read"),
])
def test_a_bad_own_area_in_a_link_is_left_out_with_a_plain_notice(own: str, notice: str) -> None:
    view, notices = parse_query({"own": own, "own_name": "<b>x</b>"})
    assert any(notice in n for n in notices)
    assert not any("<" in n or ">" in n for n in notices)
    if "Left out" not in notice:
        assert view.own is None and view.own_area is None
