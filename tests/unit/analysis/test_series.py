"""mapkit.analysis.series and mapkit.load_series on the shipped data/series products; expected numbers are ONS's cells
(gross-value-added.csv, gdp-per-head.csv, modelled-unemployment.csv), and changes are worked by hand from them."""

from __future__ import annotations

import math

import pytest

import mapkit
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.specs.registry import registry
from mapkit.analysis.series import area_lines, change, change_sentence, fastest_and_slowest, parse_change, year_values
from mapkit.data.series import years

WMCA, BIRMINGHAM, NORTH_YORKSHIRE = "E47000007", "E08000025", "E06000065"


def test_every_series_is_in_the_products_at_every_level():
    for series_id in registry().series:
        for level in ("lad", "ca", "england"):
            rows = mapkit.load_series(series_id, level)
            assert not rows.empty, (series_id, level)
        lad = mapkit.load_series(series_id, "lad")
        assert lad["code"].nunique() == 296
        assert lad.groupby("code")["period"].count().nunique() == 1  # a full grid: gaps are rows


@pytest.mark.parametrize(("series_id", "level", "code", "year", "value"), [
    ("gva_per_hour", "ca", WMCA, 2013, 27.379898071289062),
    ("gva_per_hour", "ca", WMCA, 2023, 35.724143981933594),
    ("gva_per_hour", "lad", BIRMINGHAM, 2013, 26.8),
    ("gva_per_hour", "england", "E92000001", 2023, 42.39),  # ONS's England row is TLB in this file
    ("gdp_per_head", "ca", WMCA, 2013, 22214),
    ("gdp_per_head_cvm", "england", "E92000001", 2023, 37170),
    ("unemployment_rate", "lad", BIRMINGHAM, 2013, 14.5),
    ("median_weekly_pay", "lad", BIRMINGHAM, 2025, 601.4),
])
def test_values_are_the_ons_cells(series_id, level, code, year, value):
    rows = mapkit.load_series(series_id, level, [code])
    assert rows.loc[rows["year"] == year, "value"].item() == pytest.approx(value, abs=1e-9)


def test_confidence_intervals_and_periods_are_kept():
    rows = mapkit.load_series("median_weekly_pay", "lad", [BIRMINGHAM]).set_index("year")
    assert rows.loc[2025, "period"] == "2025-04-30"
    assert rows.loc[2025, ["lci", "uci"]].tolist() == pytest.approx([577.82512, 624.97488])


def test_gaps_stay_gaps_with_the_reason():
    rows = mapkit.load_series("business_births", "lad", [NORTH_YORKSHIRE]).set_index("year")
    assert rows.loc[2024, "value"] == pytest.approx(8.352183748042457)
    assert rows.loc[2019:2023, "value"].isna().all()
    assert rows.loc[2019, "note"].startswith("No data: ONS publishes no figure for this year under this code")
    ca = mapkit.load_series("business_births", "ca")
    assert ca["value"].isna().all() and ca["note"].str.startswith("No data").all()


def test_change_worked_by_hand_from_ons_cells():
    result = change("gva_per_hour", "ca", 2013, 2023)
    row = result.table.set_index("code").loc[WMCA]
    start, end = 27.379898071289062, 35.724143981933594
    assert row["abs_change"] == pytest.approx(end - start)
    assert row["pct_change"] == pytest.approx(100 * (end / start - 1))  # 30.48%
    assert row["cagr"] == pytest.approx(100 * ((end / start) ** (1 / 10) - 1))  # 2.70% a year
    assert result.england_change == pytest.approx(100 * (42.39 / 31.79 - 1))  # 33.34%
    assert row["gap"] == pytest.approx(100 * (end / start - 1) - 100 * (42.39 / 31.79 - 1))
    assert not result.in_points and math.isnan(row["real_pct_change"])
    # a difference of two percent changes is in percentage points, not percent (the app said "Against England (%)")
    assert result.unit == "%" and result.gap_unit == "percentage points"
    assert result.describe_gap(row["gap"]) == f"{row['gap']:+.1f} percentage points"


def test_real_terms_change_uses_the_chained_volume_series():
    row = change("gdp_per_head", "ca", 2013, 2023).table.set_index("code").loc[WMCA]
    assert row["pct_change"] == pytest.approx(100 * (31012 / 22214 - 1))
    assert row["real_pct_change"] == pytest.approx(100 * (28604 / 27301 - 1))


def test_rates_change_in_percentage_points():
    result = change("unemployment_rate", "lad", 2013, 2023)
    assert result.in_points
    assert result.table.set_index("code").loc[BIRMINGHAM, "change"] == pytest.approx(7.2 - 14.5)
    assert result.england_change == pytest.approx(3.7 - 7.5)


def test_a_gap_at_either_end_is_a_gap_in_the_change():
    row = change("business_births", "lad", 2019, 2024).table.set_index("code").loc[NORTH_YORKSHIRE]
    assert math.isnan(row["change"])
    assert row["note"].startswith("2019: No data")


def test_brief_sentence_is_computed():
    text = change_sentence(change("gva_per_hour", "ca", 2013, 2023), WMCA, "the West Midlands CA")
    assert text.startswith("Gross value added per hour worked in the West Midlands CA grew 30.5% from 2013 to "
                           "2023, against 33.3% for England")


def test_fastest_and_slowest_in_a_region():
    lads = mapkit.load_boundaries("lad", WMCA)["code"].tolist()
    result = change("gva_per_hour", "lad", 2013, 2023)
    fast, slow = fastest_and_slowest(result, lads, n=2)
    in_region = result.table[result.table["code"].isin(lads)]
    assert fast["change"].iloc[0] == pytest.approx(in_region["change"].max())
    assert slow["change"].iloc[0] == pytest.approx(in_region["change"].min())


def test_years_and_year_values():
    assert years("gva_per_hour") == list(range(2004, 2024))
    values = year_values("gva_per_hour", "lad", 2013).set_index("code")
    assert values.loc[BIRMINGHAM, "value"] == pytest.approx(26.8)


def test_area_lines_hold_area_region_and_england():
    lines = area_lines("gva_per_hour", BIRMINGHAM, "lad", ca_code=WMCA, names={BIRMINGHAM: "Birmingham"})
    assert set(lines["area"]) == {"Birmingham", WMCA, "England"}
    assert len(lines) == 3 * 20


@pytest.mark.parametrize(("text", "match"), [("2013-2003", "start year"), ("abc", "START:END"),
                                             ("2013:2013", "start year")])
def test_bad_change_periods_say_the_form(text, match):
    with pytest.raises(ParameterError, match=match):
        parse_change(text)


def test_years_outside_the_series_are_refused():
    assert parse_change("2013:2023") == (2013, 2023)
    with pytest.raises(ParameterError, match="ONS publishes 2004 to 2023, not 1999"):
        change("gva_per_hour", "lad", 1999, 2023)
    with pytest.raises(ParameterError, match="not 'ward'"):
        change("gva_per_hour", "ward", 2013, 2023)
    with pytest.raises(UnknownNameError, match="Unknown series"):
        mapkit.load_series("nope", "lad")


def test_indicators_link_to_their_series_as_its_latest_year():
    reg = registry()
    linked = {i: s for i, s in ((i, reg.series_for(i)) for i in reg.indicators) if s}
    assert set(linked) >= {"gva_per_hour", "median_weekly_pay", "gdhi_per_head", "unemployment_rate"}
    for indicator_id, spec in linked.items():
        for level in reg.indicator(indicator_id).levels:
            snapshot = mapkit.indicator_table(indicator_id, level).set_index("code")["value"]
            rows = mapkit.load_series(spec.id, level)
            latest = rows[rows["year"] == rows["year"].max()].set_index("code")["value"]
            assert snapshot.reindex(latest.index).equals(latest), (indicator_id, level)
