"""Place and postcode search, and the view a result opens."""

from __future__ import annotations

import pytest

from mapkit import links
from mapkit.analysis import search
from mapkit.view import View


def labels(text: str) -> list[str]:
    return [p.label for p in search.search(text).places]


def test_moseley_offers_the_ward_and_the_station() -> None:
    found = labels("Moseley")
    assert found[0] == "Moseley (ward, Birmingham)"
    assert "New rail station: Moseley Village (scheme, Birmingham)" in found[:3]


@pytest.mark.parametrize("text", ["moseley village", "MOSELEY  VILLAGE", "Moseley-Village"])
def test_overlay_names_match_without_their_prefix(text: str) -> None:
    assert labels(text)[0] == "New rail station: Moseley Village (scheme, Birmingham)"


@pytest.mark.parametrize("text, first", [
    ("bordesley and highgate", "Bordesley & Highgate (ward, Birmingham)"),
    ("Saint Albans", "St Albans (district, East of England)"),
    ("the west midlands", "West Midlands (combined authority)"),
    ("Birmingham 139d", "Birmingham 139D (LSOA, Birmingham)"),
    ("Sandwel", "Sandwell (district, West Midlands)"),
])
def test_matching_forgives_case_punctuation_and_common_prefixes(text: str, first: str) -> None:
    assert labels(text)[0] == first


def test_simplify() -> None:
    assert search.simplify("  St. Mary's & THE Trinity ") == "st marys and the trinity"
    assert search.simplify("The Saint Peter's") == "st peters"


@pytest.mark.parametrize("text, message", [
    ("ZZ1 1ZZ", "ZZ1 1ZZ is not a live English postcode"),
    ("b9 5zz", "B9 5ZZ is not a live English postcode"),
    ("B9 5RPX", "`B9 5RPX` is not a live English postcode, or the start of one"),
    ("qqqxzz", "No ward, district, combined authority, LSOA or overlay place matches `qqqxzz`"),
    ("<img src=x>", "matches `?img src?x?`"),
])
def test_bad_input_gets_a_message_not_an_error(text: str, message: str) -> None:
    result = search.search(text)
    assert message in result.message and not result.places and result.postcode is None


def test_a_postcode_opens_its_ward_in_its_combined_authority_and_marks_it() -> None:
    result = search.search("b95rp")
    view, notices = search.view_for(View(region="E08000026", level="lad", indicator="gva_per_hour"),
                                    postcode=result.postcode)
    assert notices == []
    assert (view.region, view.level, view.area, view.postcode) == ("E47000007", "ward", "E05011127", "B9 5RP")
    lsoa_view, _ = search.view_for(View(level="lsoa"), postcode=result.postcode)
    assert (lsoa_view.level, lsoa_view.area) == ("lsoa", "E01009331")


def test_a_station_opens_its_ward_with_its_overlay_on() -> None:
    station = search.search("Moseley Village").places[0]
    view, _ = search.view_for(View(), place=station)
    assert (view.region, view.level, view.area) == ("E47000007", "ward", "E05011154")
    assert view.overlays == ("transport_schemes",)


def test_a_district_outside_a_combined_authority_is_its_own_region() -> None:
    place = search.search("St Albans").places[0]
    view, _ = search.view_for(View(), place=place)
    assert (view.region, view.level, view.area) == ("E07000240", "lad", "E07000240")


def test_a_postcode_round_trips_through_the_link() -> None:
    view, _ = search.view_for(View(), postcode=search.search("B9 5RP").postcode)
    query = links.to_query(view)
    assert query["pc"] == "B9 5RP"
    assert links.parse_query(query) == (view, [])


@pytest.mark.parametrize("value, notice", [
    ("ZZ1 1ZZ", "The postcode `ZZ1 1ZZ` is not marked: it is not a live English postcode."),
    ("<script>alert(1)</script>", "The postcode `?script?alert(1)??script?` is not marked"),
    ("AL1 1AX", "The postcode `AL1 1AX` is not marked: it lies outside West Midlands."),
    ("BD98 1GA", "the sources give it no point or no area"),
])
def test_a_bad_postcode_in_a_link_is_dropped_with_a_notice(value: str, notice: str) -> None:
    view, notices = links.parse_query({"pc": value})
    assert view.postcode is None
    assert any(notice in n for n in notices)


def test_the_map_marks_the_postcode_point() -> None:
    from mapkit.web.webmap import build_map

    view, _ = links.parse_query({"pc": "b95rp", "area": "E05011127"})
    html = build_map(view).to_map().get_root().render()
    assert "mapkit-postcode" in html and "B9 5RP (OS Code-Point Open point)" in html
    assert "[52.477922, -1.847068]" in html
    plain = build_map(View()).to_map().get_root().render()
    assert "mapkit-postcode" not in plain


@pytest.mark.parametrize(("text", "overlay", "feature"), [
    ("Black Country Growth Corridor", "growth_locations",
     "major-investments-prospectus-cluster-black-country-growth-corridor-zone"),
    ("East Birmingham-Solihull Metro", "transport_schemes", "wmm-ebns-wards"),
])
def test_a_zone_opens_as_itself_not_as_one_of_its_wards(text: str, overlay: str, feature: str) -> None:
    place = search.search(text).places[0]
    assert place.zone and place.label.endswith(")") and "(zone, " in place.label
    view, notices = search.view_for(View(statuses=("open",)), place=place)
    assert notices == []
    assert (view.region, view.level, view.area, view.place) == ("E47000007", "ward", None, f"{overlay}:{feature}")
    assert overlay in view.overlays and place.status in view.statuses  # drawn, whatever the statuses shown were
    assert links.parse_query(links.to_query(view)) == (view, [])


def test_a_station_is_the_views_place_and_another_search_clears_it() -> None:
    station = search.search("Moseley Village").places[0]
    view, _ = search.view_for(View(), place=station)
    assert view.place == f"transport_schemes:{station.code}" and view.area == "E05011154"
    ward = search.search("Bordesley and Highgate").places[0]
    assert search.view_for(view, place=ward)[0].place is None
@pytest.mark.parametrize("typed", ["Ｂ９　５ＲＰ", "ｂ９５ｒｐ", "B９ 5RP"])
def test_a_postcode_in_full_width_characters_finds_the_postcode(typed):
    """Audit (issue 26): a postcode typed on a full-width keyboard returned LSOA names; input is NFKC-normalised."""
    result = search.search(typed)
    assert result.postcode is not None and result.postcode.postcode == "B9 5RP" and not result.places


def test_a_place_in_full_width_characters_finds_the_place():
    assert search.find_places("Ｓａｎｄｗｅｌｌ") == search.find_places("Sandwell")
    assert search.find_places("Ｓａｎｄｗｅｌｌ")[0].code == "E08000028"
