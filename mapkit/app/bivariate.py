"""Two measures on the page: the sidebar's "Versus" picker, the scatter plot under the map (a click on a point opens
that area's profile) and the ranked table of a bivariate map, with each area's cell and the table's CSV.

The map itself, its 2-D legend, tooltips, text description and exports come from the prepared view
(:func:`mapkit.analysis.map_data.prepare` gives a bivariate :class:`~mapkit.analysis.map_data.MapData` when the view
has a second measure); this module draws only what a bivariate view adds.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import mapkit
from mapkit.analysis import series as time_series
from mapkit.analysis.map_data import MapData
from mapkit.analysis.versus_tables import versus_table
from mapkit.app import state
from mapkit.app.cached import series_years
from mapkit.app.ranking import table_controls
from mapkit.app.state import Widget
from mapkit.export.naming import file_stem
from mapkit.specs.bivariate import DEFAULT_PAIRS
from mapkit.text.csvsafe import csv_text
from mapkit.text.markup import markdown_text
from mapkit.text.ranks import RANK_ONE
from mapkit.text.wording import table_number_format
from mapkit.view import View, indicators_for
from mapkit.web.versus_chart import SELECTION, chosen_code, versus_scatter

NONE = ""
"""The picker's "one measure" choice."""
VERSUS_MODES = {"latest": "Latest figures", "year": "One year", "change": "Change between two years"}


def use_suggested_pair() -> None:
    """Callback of the "suggested pair" button: the level's default pair (before the widgets are drawn)."""
    pair = DEFAULT_PAIRS[state.widget(Widget.LEVEL)]
    state.set_widget(Widget.THEME, mapkit.registry().indicator(pair.indicator).theme)
    state.set_widget(Widget.INDICATOR, pair.indicator)
    state.set_widget(Widget.VERSUS, pair.versus)
    if pair.versus_change is not None:
        state.set_widget(Widget.VERSUS_MODE, "change")
        state.set_widget(Widget.VERSUS_CHANGE, pair.versus_change)


def pair_button(level: str) -> None:
    """The button that opens the level's suggested pair, with the reason it is suggested."""
    pair = DEFAULT_PAIRS.get(level)
    if pair is None or pair.indicator not in indicators_for(level):
        return
    registry = mapkit.registry()
    when = f", {pair.versus_change[0]}-{pair.versus_change[1]}" if pair.versus_change else ""
    st.sidebar.button(f"Suggested: {registry.indicator(pair.indicator).label} against "
                      f"{registry.indicator(pair.versus).label}{when}", key="versus_pair",
                      on_click=use_suggested_pair, help=pair.reason, width="stretch")


def versus_controls(indicator: str, level: str) -> dict[str, Any]:
    """The second measure and its period, as View fields (none for one measure)."""
    sb = st.sidebar
    sb.header("Versus: a second measure")
    registry = mapkit.registry()
    options = [NONE, *(i for i in indicators_for(level) if i != indicator)]
    state.keep_option(Widget.VERSUS, options, NONE)
    versus = sb.selectbox(
        "Versus", options, key=Widget.VERSUS,
        format_func=lambda i: "None: one measure" if i == NONE else registry.indicator(i).label,
        help="A bivariate map: each measure cut into thirds, each area coloured by its pair of thirds (nine "
             "colours). The legend counts the areas in each; a scatter plot under the map shows both figures.")
    pair_button(level)
    if versus == NONE:
        return {}
    pair = DEFAULT_PAIRS.get(level)
    if pair is not None and (pair.indicator, pair.versus) == (indicator, versus):
        sb.caption(f"**Why this pair:** {pair.reason}")
    series = registry.series_at(versus, level)
    fields: dict[str, Any] = {"versus": versus}
    if series is None:
        return fields
    known = series_years(series.id)
    mode = sb.radio("Second measure shows", list(VERSUS_MODES), key=Widget.VERSUS_MODE,
                    format_func=VERSUS_MODES.get, horizontal=True)
    if mode == "year":
        state.keep_option(Widget.VERSUS_YEAR, known, known[-1])
        fields["versus_year"] = int(sb.select_slider("Year of the second measure", known, key=Widget.VERSUS_YEAR))
    elif mode == "change":
        chosen = state.widget(Widget.VERSUS_CHANGE)
        if not (isinstance(chosen, tuple) and len(chosen) == 2 and chosen[0] in known and chosen[1] in known
                and chosen[0] < chosen[1]):
            state.set_widget(Widget.VERSUS_CHANGE, time_series.default_period(series.id))
        start, end = sb.select_slider("Change in the second measure, from and to", known, key=Widget.VERSUS_CHANGE)
        if start == end:
            sb.caption("Choose two different years.")
        else:
            fields["versus_change"] = (int(start), int(end))
    return fields


def show_scatter(view: View, data: MapData) -> None:
    """The two measures plotted against each other; a click on a point opens that area's profile on the map."""
    if data.versus is None:
        return
    event = st.altair_chart(versus_scatter(data, selected=view.area), key=Widget.SCATTER, on_select="rerun",
                            selection_mode=SELECTION, width="stretch")
    code = chosen_code(event)
    if code and code != view.area and code in set(data.frame["code"]) and state.first_time("scatter_pick", code):
        state.set_view(state.current_view().with_area(code))
        state.ask_reveal()
        st.rerun()


def ranked(data: MapData) -> pd.DataFrame:
    """The bivariate table with the names the table's paging reads (``name``, ``code``, ``rank_in_region``)."""
    return versus_table(data).rename(columns={"area_name": "name", "area_code": "code"})


def show_versus_ranking(view: View, data: MapData) -> None:
    """The areas with both figures, both ranks and their cell, in the first measure's rank order; a row opens the
    area's profile; the CSV holds every area."""
    versus = data.versus
    x, y = versus.x.spec, versus.y.spec
    region_name, plural = data.region_name, mapkit.registry().boundary(view.level).plural
    st.header(f"{x.label} against {y.label}: {plural} of {region_name}")
    table = ranked(data)
    page, signature = table_controls(view, table)
    query = str(state.widget(Widget.TABLE_SEARCH) or "").strip()
    st.caption(page.summary(plural, markdown_text(query)) + f" Cells: each measure cut into {versus.reference}.")
    columns = ["rank_in_region", "name", "code", "value", "versus_value", "versus_rank_in_region",
               "bivariate_cell", "bivariate_class"]
    key = "versus_table_" + state.digest((signature, versus.y.view.indicator, page.page))
    event = st.dataframe(
        page.rows[columns], hide_index=True, width="stretch", height=320, key=key, on_select="rerun",
        selection_mode="single-row", column_order=columns,
        column_config={
            "rank_in_region": st.column_config.NumberColumn(f"Rank in {region_name}",
                                                            help=f"{x.label}: 1 = {RANK_ONE[x.higher_is]}"),
            "name": st.column_config.TextColumn("Name"), "code": st.column_config.TextColumn("Code"),
            "value": st.column_config.NumberColumn(f"{x.label} ({x.unit})",
                                                   format=table_number_format(x.number_format)),
            "versus_value": st.column_config.NumberColumn(f"{y.label} ({y.unit})",
                                                          format=table_number_format(y.number_format)),
            "versus_rank_in_region": st.column_config.NumberColumn(f"Rank in {region_name}: {y.label}",
                                                                   help=f"1 = {RANK_ONE[y.higher_is]}"),
            "bivariate_cell": st.column_config.TextColumn("Cell"),
            "bivariate_class": st.column_config.TextColumn("Cell (x-y)", help="Thirds of each measure, 1 = lowest"),
        })
    picked = getattr(getattr(event, "selection", None), "rows", None) or []
    if picked and picked[0] < len(page.rows):
        code = str(page.rows.iloc[picked[0]]["code"])
        if code != view.area and state.first_time("versus_table_pick", code):
            state.set_view(state.current_view().with_area(code))
            state.ask_reveal()
            st.rerun()
    st.download_button(f"Download CSV of all {len(table):,} {plural} with both measures and their cells",
                       data=csv_text(versus_table(data)), file_name=f"{file_stem(data)}.csv", mime="text/csv",
                       help="One row per area: both figures, ranks, the cell, what the thirds were cut from and "
                            "both sources.")
