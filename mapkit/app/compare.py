"""Compare areas: up to ten areas side by side, a wide table per theme, one dot chart per indicator, the exports."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import mapkit
from mapkit.analysis.compare import themes_for
from mapkit.app import state
from mapkit.app.cached import area_labels, comparison, comparison_csv
from mapkit.app.state import Widget
from mapkit.export import compare_page
from mapkit.export.menu import size_text
from mapkit.text.markup import markdown_text
from mapkit.text.ranks import neutral_key, rank_text
from mapkit.text.wording import sentence_case
from mapkit.view import COMPARE_LEVELS, MAX_COMPARE, View
from mapkit.web import compare_chart


def compare_grid(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per indicator ("label (unit)"), one column per area or context row, cells from ``column``."""
    grid = table.assign(
        row=[compare_page.row_label(k, n) for k, n in zip(table["kind"], table["name"])],
        indicator_label=[f"{label} ({unit})" for label, unit in zip(table["label"], table["unit"])])
    wide = grid.pivot_table(index="indicator_label", columns="row", values=column, aggfunc="first", sort=False)
    wide = wide.reindex(index=list(dict.fromkeys(grid["indicator_label"])), columns=list(dict.fromkeys(grid["row"])))
    return wide.rename_axis(index="Indicator", columns=None).fillna("")


def show_compare(view: View) -> None:
    """Up to ten areas side by side: a wide table per theme, one dot chart per indicator, and the exports."""
    registry = mapkit.registry()
    if view.level not in COMPARE_LEVELS:
        st.caption("Choose wards, districts or combined authorities (sidebar, Areas) to compare areas.")
        return
    plural = registry.boundary(view.level).plural
    labels = area_labels(view.level)
    state.set_widget(Widget.COMPARE_AREAS, list(view.compare_areas))
    picked = st.multiselect(
        f"{sentence_case(plural)} to compare (anywhere in England, up to {MAX_COMPARE})", list(labels),
        key=Widget.COMPARE_AREAS, on_change=lambda: state.set_compare_list(state.widget(Widget.COMPARE_AREAS)),
        format_func=lambda c: labels.get(c, c), max_selections=MAX_COMPARE,
        placeholder="Type a name, or use 'Add to compare' in an area's profile",
        help=f"At most {MAX_COMPARE} areas; they are outlined in blue on the map and kept in the page's link.")
    if len(picked) >= MAX_COMPARE:
        st.caption(f"The list is full: it holds at most {MAX_COMPARE} areas. Remove one to add another.")
    if not picked:
        st.caption("No area chosen yet. The comparison shows every indicator of a theme for each area, with its "
                   "rank and decile in England, beside its combined authority, region and England.")
        return
    themes = themes_for(view.level)
    current = registry.indicator(view.indicator).theme
    theme = st.selectbox("Theme", themes, index=themes.index(current) if current in themes else 0,
                         key=Widget.COMPARE_THEME)
    result = comparison(tuple(picked), view.level, theme)
    table = result.table
    st.table(compare_grid(table, "value_text"))
    areas = table[table["kind"] == "area"]
    with st.expander("Ranks and national deciles in England"):
        st.table(compare_grid(areas.assign(position=[
            rank_text(r, n) + (f" (decile {int(d)})" if pd.notna(d) else "")
            for r, n, d in zip(areas["rank_england"], areas["n_england"], areas["decile"])]), "position"))
        st.caption(f"Rank 1 = worst (most deprived, or lowest where higher is better){neutral_key(areas)}; "
                   f"ranks and deciles among England's {plural}.")
    notes = table[(table["kind"] != "area") & table["value"].isna()]
    for note in dict.fromkeys(notes["note"]):
        st.caption(markdown_text(note))
    columns = st.columns(3)
    for i, indicator in enumerate(result.indicators):
        with columns[i % 3]:
            st.altair_chart(compare_chart.indicator_chart(result.rows(indicator)), width="stretch")
    sources = dict.fromkeys(registry.indicator(i).source for i in result.indicators)
    st.caption("Sources: " + "; ".join(f"{registry.sources[s].publisher}, {registry.sources[s].title} "
                                       f"({registry.sources[s].vintage})" for s in sources)
               + f". Dashed line: median of England's {plural}, not a figure for England.")
    show_compare_files(result, tuple(picked), view, theme)


def show_compare_files(result: object, picked: tuple[str, ...], view: View, theme: str) -> None:
    """The comparison's CSV (every theme) and this theme as an A4 page, made when asked for."""
    left, middle, right = st.columns([3, 3, 2], vertical_alignment="bottom")
    left.download_button("Download the comparison, every theme (CSV)", data=comparison_csv(picked, view.level),
                         file_name=f"compare_{view.level}_{len(picked)}_areas.csv", mime="text/csv",
                         key="compare_csv", on_click="ignore", icon=":material/download:")
    fmt = middle.selectbox("Page", ["png", "pdf"], key=Widget.COMPARE_FORMAT,
                           format_func=lambda f: f"This theme as an A4 page ({f.upper()})")
    if right.button("Prepare page", key="compare_page"):
        with st.spinner("Drawing the page..."):
            state.COMPARE_PAGE.set(((picked, view.level, theme, fmt), compare_page.compare_page(result, fmt)))
    made = state.COMPARE_PAGE.get()
    if made is not None and made[0] == (picked, view.level, theme, fmt):
        st.download_button(f"Download the page ({fmt.upper()}, {size_text(len(made[1]))})", data=made[1],
                           file_name=f"compare_{view.level}_{len(picked)}_areas.{fmt}",
                           mime="image/png" if fmt == "png" else "application/pdf", key="compare_page_download",
                           on_click="ignore", icon=":material/download:")
