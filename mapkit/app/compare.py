"""Compare areas: up to ten areas side by side, a wide table per theme, one dot chart per indicator, the exports."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

import mapkit
from mapkit.analysis.compare import COMPARED_KINDS, Comparison, themes_for
from mapkit.app import state
from mapkit.app.cached import area_labels, comparison, own_comparison
from mapkit.app.downloads import table_downloads
from mapkit.app.state import Widget
from mapkit.export import compare_page
from mapkit.export.menu import size_text
from mapkit.text.markup import markdown_text
from mapkit.text.ranks import rank_one, rank_text
from mapkit.text.wording import median_heading, sentence_case
from mapkit.view import COMPARE_LEVELS, MAX_COMPARE, View
from mapkit.web import compare_chart


def ranks_grid(result: Comparison) -> pd.DataFrame:
    """The compared areas' ranks and national deciles in England, one row per indicator, with what rank 1 is."""
    areas = result.table[result.table["kind"].isin(COMPARED_KINDS)]
    positions = areas.assign(position=[
        rank_text(r, n) + (f" (decile {int(d)})" if pd.notna(d) else "")
        for r, n, d in zip(areas["rank_england"], areas["n_england"], areas["decile"])])
    grid, _ = dataclasses.replace(result, table=positions).grid("position")
    registry = mapkit.registry()
    ones = {f"{registry.indicator(i).label} ({registry.indicator(i).unit})": rank_one(registry.indicator(i))
            for i in result.indicators}
    grid.insert(0, "Rank 1 =", [ones.get(label, "") for label in grid.index])
    return grid


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
    own = view.own if view.own and state.OWN_IN_COMPARE.get(False) else None
    if own:
        st.caption(f"Your own area, {markdown_text(view.own_name or 'My area')}, is compared too (its figures are "
                   "computed from its LSOAs; see Your own area).")
    if not picked and not own:
        st.caption("No area chosen yet. The comparison shows every indicator of a theme for each area, with its "
                   "rank and decile in England, beside its combined authority, region and England.")
        return
    themes = themes_for(view.level)
    current = registry.indicator(view.indicator).theme
    theme = st.selectbox("Theme", themes, index=themes.index(current) if current in themes else 0,
                         key=Widget.COMPARE_THEME)
    result = (own_comparison(tuple(picked), view.level, theme, own, view.own_name) if own
              else comparison(tuple(picked), view.level, theme))
    table = result.table
    grid, folded = result.grid("value_text")
    st.table(grid)
    with st.expander("Ranks and national deciles in England"):
        st.table(ranks_grid(result))
        st.caption(f"Rank 1 and decile 1 are the end the \"Rank 1 =\" column names; ranks and deciles among "
                   f"England's {plural}.")
    partial = table[~table["kind"].isin(COMPARED_KINDS) & table["value"].isna()]
    for note in dict.fromkeys([*folded, *partial["note"]]):
        st.caption(markdown_text(note))
    drawn = [i for i in result.indicators if i not in set(result.empty_indicators)]
    columns = st.columns(3)
    for i, indicator in enumerate(drawn):
        with columns[i % 3]:
            st.altair_chart(compare_chart.indicator_chart(result.rows(indicator)), width="stretch")
    sources = dict.fromkeys(registry.indicator(i).source for i in result.indicators)
    st.caption("Sources: " + "; ".join(f"{registry.sources[s].publisher}, {registry.sources[s].title} "
                                       f"({registry.sources[s].vintage})" for s in sources)
               + f". Dashed line: {median_heading(plural)[:1].lower()}{median_heading(plural)[1:]}, not a figure "
                 "for England.")
    show_compare_files(result, tuple(picked), view, theme)


def show_compare_files(result: object, picked: tuple[str, ...], view: View, theme: str) -> None:
    """The comparison's CSV (every theme) and this theme as an A4 page, made when asked for."""
    table_downloads("Download the comparison, every theme", "compare", (picked, view.level),
                    stem=f"compare_{view.level}_{len(picked)}_areas", key="compare_download")
    middle, right = st.columns([3, 2], vertical_alignment="bottom")
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
