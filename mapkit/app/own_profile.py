"""The profile of the user's own area (:func:`mapkit.analysis.own_area.own_area_profile`) and its files: residents,
their IMD deciles beside the combined authority and England, every measure with its rank among England's wards,
the movement since IoD2019, the districts' growth, the overlays inside, add to Compare, the link, the downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapkit.analysis.own_area import METHOD, OwnAreaProfile
from mapkit.app import state
from mapkit.app.cached import own_profile
from mapkit.app.state import Widget
from mapkit.data.own_areas import OwnArea
from mapkit.errors import MapkitError
from mapkit.export.menu import size_text
from mapkit.export.own_area import FORMATS, export_own_area, file_name, lsoas_table
from mapkit.text.markup import markdown_text
from mapkit.text.ranks import rank_text
from mapkit.view import View
from mapkit.web.charts import decile_chart

QUICK_FORMATS = ("json", "csv", "lsoas", "geojson")
"""Made at once (tables and the outline); the pages are made when asked for (a few seconds)."""
PAGE_FORMATS = ("png", "pdf")


def show_own_profile(view: View, area: OwnArea) -> OwnAreaProfile | None:
    """The profile, or the message that says why it cannot be measured (never a traceback)."""
    try:
        profile = own_profile(view.own, view.own_name)
    except MapkitError as exc:
        st.error(markdown_text(str(exc)), icon="⚠️")
        return None
    st.subheader(markdown_text(f"{profile.area.name} ({profile.area.description})"))
    st.markdown(markdown_text(profile.sentence()))
    for note in profile.notes:
        st.caption(markdown_text(note))
    show_deciles(profile)
    show_measures(profile)
    show_movement_and_growth(profile)
    show_overlays(profile)
    with st.expander("How these figures are counted, and their sources"):
        st.markdown(markdown_text(METHOD))
        st.markdown("\n".join(f"- {markdown_text(line)}" for line in profile.sources()))
    show_actions(view, profile)
    show_files(profile)
    return profile


def show_deciles(profile: OwnAreaProfile) -> None:
    table = profile.deciles
    series = {"share": profile.area.name, "ca_share": f"{profile.ca_name} (CA)" if profile.ca_name else "",
              "england_share": "England"}
    st.caption("**Residents by IoD2025 IMD national decile** (% of residents; decile 1 = the most deprived 10% of "
               "LSOAs in England). Sources: MHCLG, English Indices of Deprivation 2025; ONS, Census 2021 usual "
               "residents.")
    st.altair_chart(decile_chart(table, {c: s for c, s in series.items() if s}), width="stretch")
    people = pd.DataFrame({"Decile": table["decile"], "Residents": table["population"].round(0).astype(int),
                           "% here": (100 * table["share"]).round(1)})
    with st.expander("Residents by decile, as a table"):
        st.dataframe(people, hide_index=True, width="stretch")


def show_measures(profile: OwnAreaProfile) -> None:
    m = profile.measures
    rows = pd.DataFrame({
        "Theme": m["theme"], "Indicator": m["label"], "Value": m["value_text"],
        "Rank among England's wards": [rank_text(r, n) for r, n in zip(m["rank_wards"], m["n_wards"])],
        "Period": m["period"], "Source": m["source"]})
    st.caption("**Every measure that sums over an area**, and where it would rank among England's wards (1 = the "
               "most deprived, or the lowest where higher is better; for residents and cars, the highest)")
    st.dataframe(rows, hide_index=True, width="stretch", height=min(560, 38 + 35 * len(rows)))


def show_movement_and_growth(profile: OwnAreaProfile) -> None:
    moved = profile.movement
    with st.expander("Change since IoD2019, and the districts' growth"):
        st.dataframe(pd.DataFrame({"Measure": moved["label"], "Value": [
            f"{v:.1f}%" if u.startswith("%") else f"{v:,.0f}" for v, u in zip(moved["value"], moved["unit"])]}),
            hide_index=True, width="stretch")
        st.caption("IoD2019 to IoD2025: MHCLG compares ranks and deciles between editions, not scores; LSOAs are "
                   "linked by ONS's LSOA 2011 to 2021 lookup.")
        d = profile.districts
        st.dataframe(pd.DataFrame({"District": d["lad_name"], "Residents of your area there": d["population"].round(0),
                                   "Share": (100 * d["share"]).round(1)}), hide_index=True, width="stretch")
        g = profile.growth
        st.dataframe(pd.DataFrame({"District": g["lad_name"], "ONS series": g["label"],
                                   "Years": [f"{a}-{b}" for a, b in zip(g["start"], g["end"])],
                                   "Change": g["change_text"], "England": g["england_change_text"],
                                   "Note": g["note"]}), hide_index=True, width="stretch", height=300)
        st.caption("Source: Office for National Statistics, Explore local statistics (each series' own release).")


def show_overlays(profile: OwnAreaProfile) -> None:
    inside = profile.overlays
    if inside.empty:
        st.caption("No growth location or transport scheme on this map lies in the area.")
        return
    st.caption(f"**Growth locations and transport schemes in it** ({len(inside)})")
    st.markdown("\n".join(f"- {markdown_text(label)}" + ("" if whole else " (partly inside)")
                          for label, whole in zip(inside["label"], inside["inside"])))


def show_actions(view: View, profile: OwnAreaProfile) -> None:
    left, right = st.columns(2)
    if state.OWN_IN_COMPARE.get(False):
        left.button("Take it out of Compare", key="own_uncompare", on_click=state.OWN_IN_COMPARE.set, args=(False,))
    else:
        left.button("Add to compare", key="own_compare", icon=":material/add:", on_click=state.OWN_IN_COMPARE.set,
                    args=(True,), help="Show your area beside the compared areas (Compare areas tab).")
    right.caption("This page's address now holds your area and its name: copy it to share or reopen it.")


def show_files(profile: OwnAreaProfile) -> None:
    """Tables and the outline at once; the map page and the PDF when asked for."""
    columns = st.columns(len(QUICK_FORMATS))
    for column, fmt in zip(columns, QUICK_FORMATS):
        content = export_own_area(profile, fmt)
        column.download_button(FORMATS[fmt].label, data=content, file_name=file_name(profile, fmt),
                               mime=FORMATS[fmt].mime, key=f"own_download_{fmt}", on_click="ignore",
                               icon=":material/download:")
    st.caption(f"The GeoJSON file loads back here (Load a GeoJSON file) and in any GIS. The LSOA table lists the "
               f"{len(lsoas_table(profile)):,} LSOAs counted with their weights.")
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    fmt = left.selectbox("Page", PAGE_FORMATS, key=Widget.OWN_FORMAT, format_func=lambda f: FORMATS[f].label)
    request = (profile.area.code, profile.area.name, fmt)
    if right.button("Prepare", key="own_prepare"):
        with st.spinner("Drawing the page..."):
            try:
                state.OWN_EXPORT.set((request, export_own_area(profile, fmt)))
            except MapkitError as exc:
                st.error(markdown_text(str(exc)))
    made = state.OWN_EXPORT.get()
    if made is not None and made[0] == request:
        st.download_button(f"Download {file_name(profile, fmt)} ({size_text(len(made[1]))})", data=made[1],
                           file_name=file_name(profile, fmt), mime=FORMATS[fmt].mime, key="own_download_page",
                           on_click="ignore", type="primary", icon=":material/download:")
