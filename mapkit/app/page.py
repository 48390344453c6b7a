"""The whole page, part by part: sidebar, title, map and profile, the tabs under the map, the sources.

The view travels one way: the link (first run) or the sidebar's widgets -> :func:`mapkit.app.state.set_view` ->
prepared data -> the map and each part. A session's first run sends the map alone, so the browser mounts it
without waiting for the scripts of the widgets and tables; the rest follows a moment later.
"""

from __future__ import annotations

import dataclasses
import gc

import streamlit as st

import mapkit
from mapkit import links
from mapkit.analysis import edition_change, nearby, own_area
from mapkit.analysis.map_data import MapData, prepare
from mapkit.app import state
from mapkit.app.bivariate import show_scatter, show_versus_ranking
from mapkit.app.cached import offered_overlays
from mapkit.app.compare import show_compare
from mapkit.app.export_tab import show_export
from mapkit.app.guarded import guarded
from mapkit.app.map_panel import announce, show_map
from mapkit.app.nearby import show_nearby
from mapkit.app.own_area import show_own_area
from mapkit.app.place import open_place
from mapkit.app.profile import show_profile, show_profile_table
from mapkit.app.ranking import show_ranking
from mapkit.app.scorecard import show_scorecard
from mapkit.app.share import PROFILE_KEY, copy_link, reveal_profile_after_pick
from mapkit.app.sidebar import sidebar
from mapkit.app.state import Widget
from mapkit.app.trends import show_series_ranking
from mapkit.app.upload import UserLayer, upload_control
from mapkit.data import postcodes
from mapkit.specs import classes as class_specs
from mapkit.specs.basemaps import BASEMAPS
from mapkit.text import guidance, wording
from mapkit.text.markup import markdown_text
from mapkit.view import View

TABS = {"ranking": "Ranked table", "compare": "Compare areas", "nearby": "Who lives near the overlays",
        "own": "Your own area", "export": "Export"}
PAGE_STYLE = """<style>
[data-testid="stMainBlockContainer"] { padding: 1.2rem 1.6rem 2rem 1.6rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.55rem; padding: 0; }
[data-testid="stCaptionContainer"] { color: #4b4f58 !important; opacity: 1 !important; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.5rem; }
.mapkit-sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0,0,0,0);
                  white-space: nowrap; border: 0; }
@media (max-width: 900px) {
  [data-testid="stMainBlockContainer"] { padding: 3.9rem 0.6rem 2rem 0.6rem; }
  [data-testid="stMainBlockContainer"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  [data-testid="stMainBlockContainer"] [data-testid="stColumn"] { min-width: 100%; }
}
</style>"""
# Seconds between the map alone reaching the browser and the rest of the page being sent: about the time the
# browser takes to mount the map (no bare strings here: Streamlit would write them on the page).
REST_AFTER_S = 0.8


def run() -> None:
    """The page (``streamlit run app.py``)."""
    st.set_page_config(page_title="England policy map", page_icon=":material/map:", layout="wide")
    settle_process()
    try:
        main()
    except mapkit.MapkitError as exc:
        st.error(f"The map cannot be shown: {exc}")


@st.cache_resource(show_spinner=False)
def settle_process() -> bool:
    """Once per process, at its first run (the page's modules imported): put every object alive now (modules,
    classes, functions, the declarations) out of the garbage collector's walk (:func:`gc.freeze`).

    Streamlit collects garbage after every run (``runner.postScriptGC``), and each full collection walked these
    quarter of a million objects again, about a tenth of a second of every run on this page, though they live as
    long as the process. Garbage made by the runs is still collected as before."""
    gc.collect()
    gc.freeze()
    return True


@st.fragment(run_every=REST_AFTER_S)
def rest_of_page_soon() -> None:
    """Run the whole page again :data:`REST_AFTER_S` seconds after the map alone was sent, once.

    Drawn (empty) at the end of the session's first run; its timer then runs it by itself, and that run asks for
    the whole page, which no longer draws this fragment, so the timer stops."""
    if state.REST_PENDING.pop(False):
        st.rerun()
    state.REST_PENDING.set(True)


def main() -> None:
    if not state.started():
        view, notices = links.parse_query(st.query_params.to_dict(), overlay_ids=offered_overlays())
        state.set_view(view, widgets=True)
        state.NOTICES.set(notices)
    previous = state.current_view()
    # The session's first run sends the map alone (with the title and its caption): the browser then mounts the
    # map without waiting for the scripts of the sidebar's widgets and the tables, and the rest follows a moment
    # later (rest_of_page_soon). The view comes from the link, which is what the sidebar would show.
    map_first = not state.PAGE_DRAWN.get()
    user_layer: UserLayer | None = None
    if map_first:
        view = previous
        st.sidebar.header("What to map")  # the sidebar takes its room now: the map does not move when it fills
        st.sidebar.caption("The controls are on their way.")
    else:
        view = sidebar(previous)
        user_layer = upload_control()
    state.set_view(view)
    sync_url(view)

    st.html(PAGE_STYLE)
    title_column, share_column = st.columns([4, 1], vertical_alignment="center")
    title_column.title("England policy map")
    with share_column:
        copy_link(view)
    show_help(folded_only=map_first)
    for notice in state.NOTICES.get() or []:
        st.info(notice, icon="ℹ️")
    if state.NOTICES.get() and st.button("Dismiss notices"):
        state.NOTICES.set([])
        st.rerun()

    data = prepare(dataclasses.replace(view, overlays=(), place=None))  # overlays: from this app's shared cache
    spec, region_name, frame, classes = data.spec, data.region_name, data.frame, data.classification
    plural = mapkit.registry().boundary(view.level).plural
    if data.versus is not None:
        other = data.versus.y.spec
        st.caption(f"{spec.label} ({spec.unit}, {spec.period}) against {other.label} ({other.unit}, {other.period}) "
                   f"for the {len(frame):,} {plural} of {region_name}. Classes: 3 x 3, {classes.reference}.")
    else:
        st.caption(f"{spec.label} ({spec.unit}, {spec.period}) for the {len(frame):,} {plural} of {region_name}. "
                   f"Classes: {class_specs.SCHEMES[classes.scheme].label}, from {classes.reference}.")
    show_change_note(view)

    announce(view, data)
    map_column, profile_column = st.columns([3, 1], gap="small")
    with map_column:
        show_map(view, data, user_layer)
        if data.versus is not None and not map_first:
            guarded(show_scatter, view, data)
    if map_first:
        state.PAGE_DRAWN.set(True)
        rest_of_page_soon()
        return
    with profile_column, st.container(key=PROFILE_KEY):
        prof = show_profile(view, data)
    reveal_profile_after_pick()
    if prof is not None:
        show_profile_table(view, prof)
    open_place(view, TABS["nearby"])
    # "Who lives near" runs only while its tab is open (st.tabs with a key tells which is): it is the heavy part.
    first_tab = state.FIRST_TAB.setdefault(TABS["own"] if view.own else TABS["compare"] if view.compare_areas
                                           else None)
    ranking_tab, compare_tab, nearby_tab, own_tab, export_tab = st.tabs(
        list(TABS.values()), key=Widget.TAB, on_change="rerun", default=first_tab)
    with ranking_tab:
        ranking_panel(view, data)
    with compare_tab:
        if compare_tab.open:
            guarded(show_compare, view)
    with nearby_tab:
        if nearby_tab.open:
            guarded(show_nearby, view, user_layer)
            guarded(show_scorecard, view)
    with own_tab:
        if own_tab.open:
            guarded(show_own_area, view)
    with export_tab:
        export_panel(view)
    show_footer(view, user_layer)


@st.fragment
def ranking_panel(view: View, data: MapData) -> None:
    """The ranked table as a fragment: its search, order and pages rerun this panel alone (England's wards: a page
    turn no longer redraws the map). A picked row writes the view in its callback; the whole page then follows."""
    if state.current_view() != view:
        st.rerun(scope="app")
    if data.versus is not None:
        guarded(show_versus_ranking, view, data)
    elif view.over_time:
        guarded(show_series_ranking, view)
    else:
        guarded(show_ranking, view, data)


@st.fragment
def export_panel(view: View) -> None:
    """The Export tab as a fragment: choosing a format, labels, and preparing a file run this panel alone."""
    guarded(show_export, view)


def sync_url(view: View) -> None:
    query = links.to_query(view)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def show_help(*, folded_only: bool = False) -> None:
    """How to read this map, and the glossary of IoD terms, folded under the title (``folded_only``: the folded
    box alone, its text left for the next run, so the map below it does not move)."""
    with st.expander("How to read this map, and what the terms mean"):
        if folded_only:
            return
        st.markdown(guidance.HOW_TO_READ)
        st.markdown("**Glossary**\n\n" + guidance.glossary_markdown())


def show_change_note(view: View) -> None:
    """For a change between editions, how many of the region's LSOAs could not be compared."""
    text = edition_change.comparability_text(view.indicator, view.region)
    if text:
        st.caption(text)


def show_footer(view: View, user_layer: UserLayer | None = None) -> None:
    hexed = view.layout == "hex"  # a hex map draws no tiles, and credits its layout
    extra = ([postcodes.SOURCE_KEY] if view.postcode else []) + (["hexmaps"] if hexed else [])
    if view.own:
        extra += list(own_area.SOURCE_KEYS)  # your own area's profile
    lines = wording.footer_lines(mapkit.registry().indicator(view.indicator), overlays=view.overlays,
                                 extra_sources=extra,
                                 nearby_method=nearby.METHOD,
                                 basemap_attribution=None if hexed else BASEMAPS[view.basemap].attribution,
                                 upload_name=None if user_layer is None else markdown_text(user_layer.name))
    st.divider()
    st.markdown("**Sources and licences of everything shown**\n\n" + "\n".join(lines))
    st.caption(wording.NO_FILLING)
    with st.expander("Accessibility statement"):
        st.markdown(guidance.STATEMENT)
