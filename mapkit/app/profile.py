"""The selected area's profile: beside the map its figures, trend and theme positions, "Add to compare" and its
similar areas; under the map every indicator in one table. Without a selected area, "In brief"."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import mapkit
from mapkit.analysis import similar
from mapkit.analysis.map_data import MapData
from mapkit.analysis.profile import AreaProfile
from mapkit.app import state
from mapkit.app.cached import in_brief, own_figures, profile, region_trend, similar_table
from mapkit.app.downloads import table_downloads
from mapkit.app.guarded import guarded
from mapkit.app.place import show_place
from mapkit.app.state import Widget
from mapkit.app.trends import show_trend
from mapkit.text.markup import markdown_text
from mapkit.text.ranks import position_key, rank_hint, rank_one, rank_text
from mapkit.text.wording import median_heading
from mapkit.view import COMPARE_LEVELS, MAX_COMPARE, View
from mapkit.web.charts import position_chart


def show_profile(view: View, data: MapData | None = None) -> AreaProfile | None:
    """The selected area beside the map: the mapped indicator's figures and the theme's positions; without one,
    "In brief" (from the map's own prepared ``data`` when given, so its rows are not loaded again)."""
    if not view.area:
        if show_place(view):
            return None
        st.info("Click an area on the map, or a row of the table below, to see its profile here.")
        sentences = in_brief(view.indicator, view.level, view.region, None if data is None else own_figures(data))
        trend = region_trend(view.indicator, view.region, view.change)
        sentences = [trend, *sentences] if trend else sentences
        if sentences:
            st.markdown("**In brief**")
            st.caption("\n".join(f"- {markdown_text(s)}" for s in sentences)
                       + "\n\nComputed from the figures on the map, as in the briefing pack (Export tab).")
        return None
    prof = profile(view.area, view.level, view.region)
    registry = mapkit.registry()
    spec = registry.indicator(view.indicator)
    region_name = mapkit.region_name(view.region)
    plural = registry.boundary(view.level).plural
    st.header(prof.name)
    st.caption(f"{prof.level_label} {prof.code}" + (f" · {', '.join(prof.parents)}" if prof.parents else ""))
    table = prof.table
    row = table[table["indicator"] == view.indicator]
    if not row.empty:
        r = row.iloc[0]
        st.metric(f"{spec.label} ({spec.unit})", r["value_text"])
        lines = [f"Rank in England: **{rank_text(r['rank_england'], r['n_england']) or 'none'}**"
                 + (f" (national decile {int(r['decile'])})" if pd.notna(r["decile"]) else "")]
        if view.region != mapkit.ENGLAND:  # England is the region: its rank and median are the lines above
            lines += [f"Rank in {region_name}: **{rank_text(r['rank_region'], r['n_region']) or 'none'}**",
                      f"{median_heading(plural, region_name)}: {r['region_median_text']}"]
        lines.append(f"{median_heading(plural)}: {r['england_median_text']}")
        st.markdown("  \n".join(lines))
        if r["note"]:
            st.caption(r["note"])
        st.caption(f"Rank {rank_hint(spec)}. {spec.period}. Source: {r['source']}.")
    show_trend(view, prof)
    theme_rows = table[table["theme"] == spec.theme].dropna(subset=["england_position"])
    if not theme_rows.empty:
        key = position_key(theme_rows)
        st.caption(f"**{spec.theme}**: position among England's {plural} ({key})")
        st.altair_chart(position_chart(theme_rows, key=key), key="position_chart", width="stretch")
    show_compare_button(view, prof)
    guarded(show_similar, view, prof)
    st.button("Close profile", key="close_profile", on_click=close_profile)
    return prof


def close_profile() -> None:
    """The "Close profile" button's callback: the view without its area, before the page runs (one run)."""
    state.set_view(state.current_view().with_area(None))


def show_profile_table(view: View, prof: AreaProfile) -> None:
    """Every indicator for the selected area, under the map (too wide for the column beside it)."""
    region_name = mapkit.region_name(view.region)
    plural = mapkit.registry().boundary(view.level).plural
    table = prof.table
    with st.expander(f"Profile of {prof.name}: all {len(table)} indicators published for {plural}", expanded=True):
        registry = mapkit.registry()
        columns = {
            "Theme": table["theme"],
            "Indicator": table["label"],
            "Value": table["value_text"],
            "Rank 1 =": [rank_one(registry.indicator(i)) for i in table["indicator"]],
            "Rank in England": [rank_text(r, n) for r, n in zip(table["rank_england"], table["n_england"])],
        }
        if view.region != mapkit.ENGLAND:  # England is the region: one rank and one median, England's
            columns[f"Rank in {region_name}"] = [rank_text(r, n) for r, n in zip(table["rank_region"],
                                                                                table["n_region"])]
            columns[median_heading(plural, region_name)] = table["region_median_text"]
        columns.update({median_heading(plural): table["england_median_text"], "Period": table["period"],
                        "Source": table["source"], "Note": table["note"]})
        st.dataframe(pd.DataFrame(columns), hide_index=True, height=320, width="stretch")
        st.caption("Rank 1 and decile 1 are the end the \"Rank 1 =\" column names. Medians are of the areas of "
                   "this level, not totals for the region or England.")


def show_compare_button(view: View, prof: AreaProfile) -> None:
    """"Add to compare" for the open profile's area (wards, districts and combined authorities)."""
    if view.level not in COMPARE_LEVELS:
        return
    current = list(view.compare_areas)
    if prof.code in current:
        st.caption(f"{markdown_text(prof.name)} is in the compare list ({len(current)} of {MAX_COMPARE}): see the "
                   "Compare areas tab.")
        return
    full = len(current) >= MAX_COMPARE
    st.button("Add to compare", key="add_compare", icon=":material/add:", disabled=full,
              on_click=state.set_compare_list, args=([*current, prof.code],),
              help=(f"The compare list is full ({MAX_COMPARE} areas): remove one in the Compare areas tab."
                    if full else "Add this area to the side-by-side comparison (Compare areas tab)."))
    if full:
        st.caption(f"The compare list is full: it holds at most {MAX_COMPARE} areas.")


def optional_float(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def show_similar(view: View, prof: AreaProfile) -> None:
    """The ten most similar areas in England, with the method in a help text, a CSV and one click to compare."""
    if view.level not in similar.LEVELS:
        return
    plural = mapkit.registry().boundary(view.level).plural
    with st.expander(f"Similar to {prof.name}", expanded=False):
        st.caption(similar.HELP.format(plural=plural), help=similar.METHOD_HELP)
        table = similar_table(prof.code, view.level)
        imd = mapkit.registry().indicator("imd_score")
        st.markdown("\n".join(
            f"{row.rank}. **{markdown_text(row.name)}**" + (f" ({markdown_text(row.parent)})" if row.parent else "")
            + f" · similarity {row.similarity:.1f} · IMD score {imd.format_value(optional_float(row.imd_score))}"
            f" · {row.population:,.0f} residents" for row in table.itertuples()))
        st.caption("Similarity = 100 / (1 + distance): 100 would be identical on every input. IMD score: MHCLG, "
                   "IoD2025; residents: ONS, Census 2021.")
        state.set_widget(Widget.SHOW_SIMILAR, view.similar)
        st.checkbox("Outline them on the map", key=Widget.SHOW_SIMILAR, on_change=state.outline_similar,
                    help="Outlined in magenta and numbered, with a key naming each; the map is fitted to them "
                         "(they can lie anywhere in England). Kept in the page's link.")
        nearest = list(table["code"])[:MAX_COMPARE - 1]
        st.button(f"Compare {prof.name} with these", key="compare_similar", on_click=state.set_compare_list,
                  args=([prof.code, *nearest],),
                  help=f"Replaces the compare list with {prof.name} and its {len(nearest)} most similar areas "
                       f"(the compare view holds {MAX_COMPARE}).")
        table_downloads("Download the list", "similar", (prof.code, view.level),
                        stem=f"similar_{prof.code}_{view.level}", key="similar_download")
