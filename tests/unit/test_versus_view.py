"""A view's second measure ("versus") and its period: the rule of the view's table, both ways, and the link."""

from __future__ import annotations

import pytest

from mapkit.errors import ParameterError, UnknownNameError
from mapkit.links import parse_query, to_query
from mapkit.view import View

WMCA = "E47000007"


def test_a_link_round_trips_the_second_measure_and_its_period() -> None:
    view, notices = View.lenient(region=WMCA, level="lad", indicator="imd_score", versus="gva_per_hour",
                                 versus_change=(2013, 2023), breaks_from="region")
    assert notices == []
    query = to_query(view)
    assert (query["versus"], query["versus_change"], query["breaks"]) == ("gva_per_hour", "2013:2023", "region")
    assert "versus_year" not in query
    again, notices = parse_query(query)
    assert notices == [] and again == view
    year, _ = parse_query({**query, "versus_change": "", "versus_year": "2019"})
    assert (year.versus_year, year.versus_change) == (2019, None)


def test_one_measure_writes_no_versus() -> None:
    query = to_query(View.lenient(region=WMCA, level="lad", indicator="imd_score")[0])
    assert not {"versus", "versus_year", "versus_change"} & set(query)


@pytest.mark.parametrize("fields, notice, kept", [
    ({"level": "ward", "versus": "gva_per_hour"}, "not available at level 'ward'", None),
    ({"level": "lad", "versus": "<b>nope</b>"}, "second measure `?b?nope??b?` is not a known indicator", None),
    ({"level": "lad", "versus": "imd_score"}, "other than IMD score itself", None),
    ({"level": "lad", "versus": "gva_per_hour", "versus_change": (1990, 2023)}, "Second measure: ", "gva_per_hour"),
])
def test_lenient_falls_back_with_a_notice(fields: dict, notice: str, kept: str | None) -> None:
    view, notices = View.lenient(region=WMCA, indicator="imd_score", **fields)
    assert view.versus == kept and view.versus_change is None
    assert any(notice in n for n in notices), notices
    assert all("<b>" not in n for n in notices)


def test_malformed_periods_in_a_link_are_reported() -> None:
    view, notices = parse_query({"region": WMCA, "level": "lad", "indicator": "imd_score", "versus": "gva_per_hour",
                                 "versus_change": "ten years"})
    assert view.versus == "gva_per_hour" and view.versus_change is None
    assert any("is not of the form 2013:2023" in n for n in notices)


@pytest.mark.parametrize("fields, error, match", [
    ({"versus": "gva_per_hour", "level": "ward"}, UnknownNameError, "not available at level 'ward'"),
    ({"versus": "gva_per_hour", "versus_change": (2013, 2030)}, ParameterError, "not 2030"),
    ({"versus_year": 2019}, ParameterError, "needs the second measure"),
    ({"versus": "gva_per_hour", "versus_year": 2019, "versus_change": (2013, 2023)}, ParameterError, "not both"),
])
def test_strict_check_names_the_problem(fields: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        View(**{"region": WMCA, "level": "lad", "indicator": "imd_score", **fields}).check()
