"""The one View: defaults, the lenient constructor for untrusted input, the strict check, prepared data."""

from __future__ import annotations

import dataclasses

import pytest

import mapkit
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.analysis.map_data import prepare
from mapkit.view import DEFAULT, View, levels_for, excerpt

WMCA = "E47000007"
COVENTRY = "E08000026"
BINLEY = "E05001219"  # Binley and Willenhall ward, Coventry


@pytest.mark.parametrize(("raw", "expected"), [
    ("E47000007", "`E47000007`"),
    ("<b>x</b>", "`?b?x??b?`"),
    ("`rm -rf`", "`?rm -rf?`"),
    ("a" * 60, "`" + "a" * 40 + "...`"),
])
def test_excerpts_are_filtered_and_short(raw: str, expected: str) -> None:
    assert excerpt(raw) == expected


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
    ({"similar": True}, ParameterError, r"Similar areas are outlined around an open area \(--area\)"),
    ({"place": "growth_locations:x"}, UnknownNameError, r"overlay group `growth_locations` is not turned on"),
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
    data = prepare(View(region=COVENTRY, indicator="income_score", scheme="equal_interval", k=4, breaks_from="region"))
    assert (data.classification.scheme, data.classification.k) == ("equal_interval", 4)
    assert data.region_name == mapkit.region_name(COVENTRY) and data.region_kind == "lad"
    assert dataclasses.replace(data.view, k=4) == data.view


# --------------------------------------------------------------------------------------------- one rule table


@pytest.mark.parametrize(("fields", "error", "message", "field", "fallback", "notice"), [
    ({"region": "E99999999"}, UnknownNameError, r"Unknown region 'E99999999'", "region", WMCA,
     "is not a known area code"),
    ({"region": COVENTRY, "level": "ca"}, ParameterError, r"Coventry \(E08000026\) contains no combined authorities",
     "level", "ward", "Combined authorities do not fit inside Coventry"),
    ({"level": "county"}, UnknownNameError, r"Unknown level 'county'", "level", "ward", "level `county` is not one"),
    ({"indicator": "nope"}, UnknownNameError, r"Unknown indicator 'nope'", "indicator", "imd_score",
     "indicator `nope` is not known"),
    ({"indicator": "gdhi_per_head"}, UnknownNameError, r"is not available at level 'ward'", "indicator", "imd_score",
     "is not available for wards"),
    ({"scheme": "jenks"}, UnknownNameError, r"Unknown classification 'jenks'", "scheme", "quantiles",
     "classification `jenks` is not known"),
    ({"indicator": "population", "scheme": "national_deciles"}, UnknownNameError, r"use --scheme quantiles", "scheme",
     "quantiles", "has no official national deciles"),
    ({"k": 12}, ParameterError, r"choose a whole number from 3 to 9", "k", 5, "between 3 and 9"),
    ({"k": True}, ParameterError, r"Number of classes is True", "k", 5, "between 3 and 9"),
    ({"breaks_from": "nation"}, UnknownNameError, r"Unknown source of class breaks 'nation'", "breaks_from",
     "england", "class breaks `nation` are not known"),
    ({"palette": "rainbow"}, UnknownNameError, r"Unknown palette 'rainbow'", "palette", "default",
     "palette `rainbow` is not known"),
    ({"basemap": "satellite"}, UnknownNameError, r"Unknown basemap 'satellite'", "basemap", "light",
     "basemap `satellite` is not known"),
    ({"area": "E05000001"}, UnknownNameError, r"Area 'E05000001' is not one of the wards", "area", None,
     "no area profile is open"),
    ({"overlays": ("ufo",)}, UnknownNameError, r"Unknown overlay\(s\) 'ufo'", "overlays", (),
     "overlay `ufo` is not available"),
    ({"statuses": ("open", "gone")}, UnknownNameError, r"Unknown overlay status\(es\) 'gone'", "statuses",
     ("open",), "overlay status `gone` is not known"),
    ({"postcode": "ZZ1 1ZZ"}, UnknownNameError, r"Postcode 'ZZ1 1ZZ': it is not a live English postcode", "postcode",
     None, "is not marked"),
    ({"as_of": "31/01/2025"}, ParameterError, r"is not a date", "as_of", None, "as-of date"),
    ({"centre": "mars"}, UnknownNameError, r"Unknown centre 'mars'", "centre", "zero", "centre `mars` is not known"),
    ({"region": WMCA, "level": "lad", "indicator": "gva_per_hour", "year": 1900}, ParameterError,
     r"ONS publishes \d{4} to \d{4}, not 1900", "year", None, "Showing the latest figures instead"),
    ({"year": 2020}, ParameterError, r"no ONS time series at level 'ward'", "year", None, "latest figures"),
    ({"region": "E92000001", "level": "lsoa", "compare_areas": ("E01009522",)}, ParameterError,
     r"not LSOA", "compare_areas", (), "the compare list was left out"),
    ({"compare_areas": ("E05001219", "<b>x</b>")}, UnknownNameError, r"Compare area\(s\) '<b>x</b>' are not wards",
     "compare_areas", ("E05001219",), "left out of the comparison: `?b?x??b?`"),
    ({"region": "E08000026", "level": "lsoa", "area": "E01009522", "similar": True}, ParameterError,
     r"not at level 'lsoa'", "similar", False, "not LSOAs: none are outlined"),
    ({"place": "growth_locations:x", "overlays": ("growth_locations",)}, UnknownNameError,
     r"`x` is not a mapped feature", "place", None, "The link's place `growth_locations:x` is not shown"),
])
def test_one_rule_gives_the_strict_error_and_the_lenient_notice_and_fallback(
        fields: dict, error: type[Exception], message: str, field: str, fallback: object, notice: str) -> None:
    with pytest.raises(error, match=message):
        View(**fields).check()
    view, notices = View.lenient(**fields)
    assert getattr(view, field) == fallback
    assert len(notices) == 1 and notice in notices[0], notices
    assert view.checked and view.check() is view


@pytest.mark.parametrize("fields", [
    {"region": "E92000001", "level": "lsoa", "indicator": "population", "scheme": None},
    {"region": COVENTRY, "level": "ward", "area": BINLEY, "overlays": ("transport_schemes",), "statuses": ("open",),
     "postcode": "CV3 2SG", "as_of": "2025-01-31", "compare_areas": (BINLEY,)},
    {"region": WMCA, "level": "lad", "indicator": "gva_per_hour", "change": (2013, 2023), "centre": "england"},
])
def test_valid_views_pass_both_ways(fields: dict) -> None:
    view, notices = View.lenient(**fields)
    assert notices == []
    assert View(**{**fields, "scheme": view.scheme}).check() == view


def test_lenient_writes_valid_settings_in_their_one_form_without_a_notice() -> None:
    view, notices = View.lenient(region=COVENTRY, postcode="cv3 2sg", overlays=("transport_schemes",) * 2, area="",
                                 statuses=tuple(mapkit.view.status_order()), as_of=" 2025-01-31")
    assert notices == []
    assert (view.postcode, view.overlays, view.area, view.statuses, view.as_of) == (
        "CV3 2SG", ("transport_schemes",), None, None, "2025-01-31")


def test_a_checked_view_is_not_checked_again_but_a_replaced_one_is(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counted(rule):  # noqa: ANN001, ANN202 - a rule of mapkit.view.RULES
        def run(view: View, offered):  # noqa: ANN001, ANN202
            calls.append(rule.__name__)
            return rule(view, offered)
        return run

    monkeypatch.setattr(mapkit.view, "RULES", tuple(counted(rule) for rule in mapkit.view.RULES))
    view, _ = View.lenient(region=COVENTRY, indicator="income_score")
    assert view.checked and len(calls) == len(mapkit.view.RULES)
    calls.clear()
    data = prepare(view)
    assert calls == [] and data.view is view
    assert View(region=COVENTRY).checked is False
    moved = dataclasses.replace(view, area=BINLEY)
    assert moved == View(**{**dataclasses.asdict(view), "area": BINLEY}) and not moved.checked
    prepare(moved)
    assert len(calls) == len(mapkit.view.RULES) and moved.checked
    assert View.lenient(**dataclasses.asdict(moved)) == (moved, [])  # the mark is not a field


def test_a_strict_error_is_a_lenient_notice_for_any_mix_of_settings() -> None:
    """Across many invalid mixes: the strict check fails exactly when the lenient view differs or has notices, and
    the lenient view always passes the strict check."""
    import itertools

    choices = {"region": [WMCA, "E99"], "level": ["ward", "ca", "x"], "indicator": ["imd_score", "population", "?"],
               "scheme": [None, "national_deciles", "jenks"], "k": [5, 11], "area": [None, BINLEY]}
    for values in itertools.product(*choices.values()):
        fields = dict(zip(choices, values))
        view, notices = View.lenient(**fields)
        assert view.check() is view
        try:
            View(**fields).check()
            strict_ok = True
        except (UnknownNameError, ParameterError):
            strict_ok = False
        assert strict_ok == (not notices), (fields, notices)
