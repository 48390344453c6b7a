"""ONS time series on the page: the year and change controls, the trend column of the ranked table, an area's
series in its profile, and the ranked table of a year or of a change between two years."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import mapkit
from mapkit.analysis import series as time_series
from mapkit.app import state
from mapkit.app.cached import area_trend, region_trend, series_years, trends
from mapkit.app.downloads import table_downloads
from mapkit.app.state import Widget
from mapkit.analysis import series_tables
from mapkit.analysis.profile import AreaProfile
from mapkit.specs import classes as class_specs
from mapkit.specs.registry import SeriesSpec
from mapkit.text.markup import markdown_text
from mapkit.text.wording import series_caveat_heading, series_notes
from mapkit.view import View
from mapkit.web.charts import trend_chart

TIME_MODES = {"year": "One year", "change": "Change between two years"}


def time_controls(indicator: str, level: str) -> dict[str, Any]:
    """Year or change controls for an indicator with an ONS time series; View fields (none without a series)."""
    series = mapkit.registry().series_at(indicator, level)
    if series is None:
        return {}
    sb = st.sidebar
    sb.header("Over time")
    known = series_years(series.id)
    mode = sb.radio("Show", list(TIME_MODES), key=Widget.TIME_MODE, format_func=TIME_MODES.get, horizontal=True)
    if mode == "year":
        state.keep_option(Widget.YEAR, known, known[-1])
        year = sb.select_slider("Year", known, key=Widget.YEAR,
                                help=f"ONS publishes {series.label.lower()} for {known[0]} to {known[-1]}.")
        return {"year": None if year == known[-1] else int(year)}
    default = time_series.default_period(series.id)
    chosen = state.widget(Widget.CHANGE)
    if not (isinstance(chosen, tuple) and len(chosen) == 2 and chosen[0] in known and chosen[1] in known
            and chosen[0] < chosen[1]):
        state.set_widget(Widget.CHANGE, default)
    start, end = sb.select_slider("From and to", known, key=Widget.CHANGE)
    if start == end:
        sb.caption("Choose two different years.")
        return {}
    centre = sb.radio("Centre the colours on", list(class_specs.CENTRES), key=Widget.CENTRE,
                      format_func=lambda c: class_specs.CENTRES[c], horizontal=True,
                      help="The middle colour of the change map: no change, or England's own change, so that "
                           "areas read as faster or slower than England.")
    return {"change": (int(start), int(end)), "centre": centre}


def with_trend(table: pd.DataFrame, view: View) -> tuple[pd.DataFrame, list[str]]:
    """The ranked table with a "trend" column (each area's ONS series) where the indicator has one."""
    series = mapkit.registry().series_at(view.indicator, view.level)
    if series is None:
        return table, []
    lists = trends(series.id, view.level, tuple(table["code"]))
    return table.assign(trend=[lists.get(code, []) for code in table["code"]]), ["trend"]


def trend_config(view: View) -> dict[str, Any]:
    series = mapkit.registry().series_for(view.indicator)
    if series is None:
        return {}
    known = series_years(series.id)
    return {"trend": st.column_config.LineChartColumn(
        f"Trend {known[0]}-{known[-1]}", help=f"{series.label}, every year ONS publishes (gaps left empty)")}


def show_trend(view: View, prof: AreaProfile) -> None:
    """The selected area's series against its combined authority and England, and its change sentence."""
    series = mapkit.registry().series_at(view.indicator, view.level)
    if series is None:
        return
    boundaries = mapkit.load_boundaries(view.level, view.region)
    row = boundaries[boundaries["code"] == view.area]
    ca_code = row["ca_code"].iloc[0] if view.level == "lad" and not row.empty else None
    lines = area_trend(series.id, view.area, view.level, ca_code if isinstance(ca_code, str) else None)
    st.altair_chart(trend_chart(lines, series), key="trend_chart", width="stretch", height=330)
    start, end = view.change or time_series.default_period(series.id)
    sentence = region_trend(view.indicator, view.area, (start, end))
    if sentence:
        st.caption(markdown_text(sentence))
    gaps = lines[lines["value"].isna()]
    if len(gaps):
        st.caption("Gaps (not filled in): " + "; ".join(
            markdown_text(f"{a} {y}: {n}") for a, y, n in zip(gaps["area"], gaps["year"], gaps["note"])))
    show_series_notes(series)


def show_series_notes(series: SeriesSpec) -> None:
    """ONS's caveats on a series (its own words and links), its status and our note on revisions, folded under
    the chart or table that shows the series."""
    notes = series_notes(series, markdown=True)
    if not notes:
        return
    heading = series_caveat_heading(series)
    with st.expander(f"Notes on this series ({len(notes) - (notes[0] == heading)})"):
        for note in notes:
            st.markdown(f"**{note}**" if note == heading else note)


def show_series_ranking(view: View) -> None:
    """The ranked table of a chosen year, or of the change between two years (fastest first)."""
    series = mapkit.registry().series_for(view.indicator)
    region_name = mapkit.region_name(view.region)
    plural = mapkit.registry().boundary(view.level).plural
    if view.change is not None:
        start, end = view.change
        table = series_tables.change_table(view.indicator, view.level, view.region, start, end)
        unit = "percentage points" if series.change_in_points else "%"
        st.header(f"Change in {series.label}, {start} to {end}: {plural} of {region_name}, fastest first")
        columns = {"name": st.column_config.TextColumn("Name"), "code": st.column_config.TextColumn("Code"),
                   "start_value": st.column_config.NumberColumn(f"{start} ({series.unit})", format="%.2f"),
                   "end_value": st.column_config.NumberColumn(f"{end} ({series.unit})", format="%.2f"),
                   "change": st.column_config.NumberColumn(f"Change ({unit})", format="%+.1f"),
                   "cagr": st.column_config.NumberColumn("A year (compound, %)", format="%+.2f"),
                   "real_pct_change": st.column_config.NumberColumn("Real terms (%)", format="%+.1f"),
                   "gap": st.column_config.NumberColumn(f"Against England ({time_series.GAP_UNIT})", format="%+.1f",
                                                        help="This area's change minus England's over the same "
                                                             "years: a difference of two percentages, so in "
                                                             "percentage points."),
                   "note": st.column_config.TextColumn("Note")}
        if series.change_in_points or not series.real_terms:
            columns.pop("real_pct_change")
        if series.change_in_points:
            columns.pop("cagr")
    else:
        table = series_tables.year_table(view.indicator, view.level, view.region, view.year)
        table = table.sort_values("value", ascending=False, na_position="last")
        st.header(f"{series.label}, {view.year}: {plural} of {region_name}")
        columns = {"name": st.column_config.TextColumn("Name"), "code": st.column_config.TextColumn("Code"),
                   "value": st.column_config.NumberColumn(f"{series.label} ({series.unit})", format="%.2f"),
                   "note": st.column_config.TextColumn("Note")}
    st.dataframe(table, hide_index=True, width="stretch", height=320, key="series_table",
                 column_order=list(columns), column_config=columns)
    when = "-".join(map(str, view.change)) if view.change else str(view.year)
    kind, period = ("series_change", tuple(view.change)) if view.change else ("series_year", (view.year,))
    table_downloads("Download the table", kind, (view.indicator, view.level, view.region, *period),
                    stem=f"{view.indicator}_{view.level}_{view.region}_{when}", key="series_download")
    source = mapkit.registry().sources[series.source]
    st.caption(f"Source: {source.publisher}, {source.title}; ONS release {series.release_date}. {source.licence}. "
               "Every figure is ONS's own cell; changes are computed from them.")
    show_series_notes(series)
