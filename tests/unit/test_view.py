"""The one View: defaults, the lenient constructor for untrusted input, the strict check, prepared data."""

from __future__ import annotations

import dataclasses

import pytest

import mapkit
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.analysis.map_data import prepare
from mapkit.view import DEFAULT, View, levels_for, shown

WMCA = "E47000007"
COVENTRY = "E08000026"
BINLEY = "E05001219"  # Binley and Willenhall ward, Coventry


@pytest.mark.parametrize(("raw", "expected"), [
    ("E47000007", "`E47000007`"),
    ("<b>x</b>", "`?b?x??b?`"),
    ("`rm -rf`", "`?rm -rf?`"),
    ("a" * 60, "`" + "a" * 40 + "...`"),
])
def test_shown_excerpts_are_filtered_and_short(raw: str, expected: str) -> None:
    assert shown(raw) == expected


@pytest.mark.parametrize(("region", "levels"), [
    ("E92000001", ("ca", "lad", "ward", "lsoa")),
    (WMCA, ("ca", "lad", "ward", "lsoa")),
    (COVENTRY, ("lad", "ward", "lsoa")),
])
def test_levels_offered_fit_inside_the_region(region: str, levels: tuple[str, ...]) -> None:
    assert levels_for(region) == levels


def test_lenient_keeps_a_valid_view_untouched() -> None:
    view = dataclasses.replace(DEFAULT, area=BINLEY)
    assert View.lenient(**dataclasses.asdict(view)) == (view, [])


def test_the_default_view_is_the_apps_opening_view_with_its_scheme_spelled_out() -> None:
    assert (DEFAULT.region, DEFAULT.level, DEFAULT.indicator, DEFAULT.scheme) == (WMCA, "ward", "imd_score",
                                                                                   "national_deciles")
    assert View(scheme=None).scheme_name == "national_deciles"
    assert View(indicator="population", scheme=None).scheme_name == "quantiles"  # no official deciles


def test_lenient_spells_out_the_indicators_own_scheme_without_a_notice() -> None:
    view, notices = View.lenient(indicator="population")
    assert (view.scheme, notices) == ("quantiles", [])
    assert View.lenient() == (DEFAULT, [])


def test_lenient_replaces_each_invalid_part_with_a_notice() -> None:
    view, notices = View.lenient(region=COVENTRY, level="ca", k=42, basemap="satellite", statuses=("open", "gone"))
    assert (view.region, view.level, view.k, view.basemap, view.statuses) == (COVENTRY, "ward", 5, "light", ("open",))
    assert len(notices) == 4
    assert any("overlay status `gone` is not known" in n for n in notices), notices


def test_lenient_offers_every_declared_overlay_by_default() -> None:
    view, notices = View.lenient(overlays=("transport_schemes", "ufo"))
    assert view.overlays == ("transport_schemes",)
    assert notices == ["The link's overlay `ufo` is not available and was left out."]


def test_a_valid_view_passes_the_strict_check() -> None:
    view = View(region=COVENTRY, level="ward", indicator="imd_score", area=BINLEY, overlays=("transport_schemes",),
                statuses=("open",))
    assert view.check() is view


@pytest.mark.parametrize(("fields", "error", "message"), [
    ({"region": "E99999999"}, UnknownNameError, r"E99999999"),
    ({"indicator": "gdhi_per_head"}, UnknownNameError, r"is not available at level 'ward'"),
    ({"indicator": "population", "scheme": "national_deciles"}, UnknownNameError, r"use --scheme quantiles"),
    ({"k": 12}, ParameterError, r"choose a whole number from 3 to 9"),
    ({"basemap": "satellite"}, UnknownNameError, r"Unknown basemap 'satellite': use one of light, osm, none"),
    ({"statuses": ("gone",)}, UnknownNameError, r"Unknown overlay status\(es\) 'gone': use open"),
    ({"area": "E05000001"}, UnknownNameError, r"Area 'E05000001' is not one of the wards of West Midlands"),
    ({"layout": "globe"}, UnknownNameError, r"Unknown layout 'globe': use one of map, hex"),
    ({"layout": "hex", "region": "E92000001"}, ParameterError, r"per combined authority and per district \(choose"),
    ({"layout": "hex", "level": "ca", "region": "E92000001"}, ParameterError, r"not of combined authorities"),
])
def test_the_strict_check_names_the_fix(fields: dict, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        View(**fields).check()
    with pytest.raises(error, match=message):
        prepare(View(**fields))


def test_prepared_overlays_honour_the_views_statuses() -> None:
    every = prepare(View(region=WMCA, overlays=("transport_schemes",))).overlays["transport_schemes"]
    assert set(every["status_category"]) > {"open"}
    only_open = prepare(View(region=WMCA, overlays=("transport_schemes",), statuses=("open",)))
    kept = only_open.overlays["transport_schemes"]
    assert len(kept) and set(kept["status_category"]) == {"open"}
    assert set(kept["id"]) == set(every.loc[every["status_category"] == "open", "id"])
    none = prepare(View(region=WMCA, overlays=("transport_schemes",), statuses=()))
    assert len(none.overlays["transport_schemes"]) == 0


def test_prepare_classifies_with_the_views_settings() -> None:
    data = prepare(View(region=COVENTRY, indicator="income_score", scheme="equal_interval", k=4, compare="region"))
    assert (data.classification.scheme, data.classification.k) == ("equal_interval", 4)
    assert data.region_name == mapkit.region_name(COVENTRY) and data.region_kind == "lad"
    assert dataclasses.replace(data.view, k=4) == data.view
