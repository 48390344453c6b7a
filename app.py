"""England policy map: Streamlit widgets -> mapkit -> streamlit-folium. UI and caching only; map logic is in mapkit.

Run with ``streamlit run app.py``. The view (region, level, indicator, classes, palette, basemap, selected area,
overlays and their statuses) lives in the URL, so a copied link reopens it. A user's uploaded layer stays in this
session's memory only: it is read from the upload's bytes, never written to disk and never put in a shared cache.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import re
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import mapclassify  # noqa: F401 - seconds of scipy/sklearn: paid once at start-up, not mid-session for everyone
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import mapkit
import mapkit.analysis.edition_change
from mapkit import links
from mapkit.web import assets
from mapkit.specs import classes as class_specs
from mapkit.text import guidance
from mapkit.analysis import describe
from mapkit.analysis import nearby
from mapkit.data import overlays
from mapkit.web import overlays as overlay_drawing
from mapkit.web.upload_layer import upload_layer
from mapkit.analysis import paging
from mapkit.specs import palettes
from mapkit.data import postcodes
from mapkit.analysis import search
from mapkit.analysis import similar
from mapkit.data import status_dates
from mapkit.data import uploads
from mapkit.text import wording
from mapkit.analysis import zones
from mapkit.specs.basemaps import BASEMAPS
from mapkit.analysis.compare import Comparison, themes_for
from mapkit.analysis.compare import compare as compare_areas
from mapkit.analysis.compare import comparison_csv as make_comparison_csv
from mapkit.errors import UploadError
from mapkit.export import MapData, prepare
from mapkit.export.menu import EXPORTS, export_file, size_text
from mapkit.export.naming import table_file_name
from mapkit.export import compare_page
from mapkit.export.options import MAX_LABELS
from mapkit.specs.registry import overlay_declarations, overlay_specs
from mapkit.text.markup import escape, safe_url
from mapkit.analysis.profile import AreaProfile, area_profile
from mapkit.analysis import series as time_series
from mapkit.data.series import years as series_years_of
from mapkit.analysis import series_tables
from mapkit.web.charts import trend_chart
from mapkit.text.ranks import DARKER, RANK_ONE
from mapkit.analysis.tables import indicator_csv, ranking_table
from mapkit.text.wording import level_label, palette_label, region_label, sentence_case, table_number_format
from mapkit.view import (COMPARE_LEVELS, DEFAULT, MAX_COMPARE, View, default_indicator, indicators_for, levels_for,
                         status_order)
from mapkit.web.choropleth import SIMILAR_STYLE, WebMap, build_map, highlight_group
from mapkit.web import compare_chart
from mapkit.web.elements import Legend
from mapkit.web.encode import GeometryPayload, area_geometry, outline_geometry
from mapkit.web.geometry_files import remove_unused, write_geometry

# Encoded areas as content-hashed files, served by Streamlit at app/static/geometry/ (static serving on in
# .streamlit/config.toml): the page fetches a view's areas once, and an indicator change sends only colours.
GEOMETRY_FOLDER = Path(__file__).resolve().parent / "static" / "geometry"
MAP_KEY = "map"
MAP_HEIGHT = 660
UPLOAD_KEY = "w_upload"
TAB_KEY = "w_tab"
TABS = {"ranking": "Ranked table", "compare": "Compare areas", "nearby": "Who lives near the overlays",
        "export": "Export"}
COMPARE_KEY = "compare_list"  # plain session state: it outlives the Compare tab's widget, drawn only while open
COMPARE_WIDGET = "w_compare_areas"
SIMILAR_KEY = "w_show_similar"
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

WIDGETS = {
    "region": "w_region", "level": "w_level", "indicator": "w_indicator", "scheme": "w_scheme", "k": "w_k",
    "compare": "w_compare", "palette": "w_palette", "basemap": "w_basemap",
}


# ------------------------------------------------------------------------------------------------ cached data


@st.cache_resource(show_spinner="Loading boundaries...")
def geometry(level: str, region: str) -> GeometryPayload:
    """Encoded areas, shared by every session of this server process (one copy of the geometry)."""
    return area_geometry(level, region)


@st.cache_resource(show_spinner=False)
def outlines(level: str, region: str) -> GeometryPayload | None:
    return outline_geometry(level, region)


@st.cache_resource(show_spinner=False)
def removed_geometry() -> list[str]:
    """Once per process: delete geometry files no process sharing the folder has used for a day."""
    try:
        return remove_unused(GEOMETRY_FOLDER)
    except OSError:  # a read-only checkout: nothing to tidy
        return []


def geometry_url(payload: GeometryPayload) -> str | None:
    """Where the page fetches ``payload``; ``None`` (sent inline, as before) without static serving.

    The file is written if missing (also after another replica's clean-up removed it) and marked as in use."""
    if not st.get_option("server.enableStaticServing"):
        return None
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}/app/static/geometry/" if base else "/app/static/geometry/"
    removed_geometry()
    try:
        return prefix + write_geometry(payload, GEOMETRY_FOLDER)
    except OSError:  # a read-only checkout: the map still works, sending its areas inline
        return None


@st.cache_data(show_spinner=False, max_entries=64)
def ranking(indicator: str, level: str, region: str) -> pd.DataFrame:
    return ranking_table(indicator, level, region)


@st.cache_data(show_spinner=False, max_entries=64)
def csv_text(indicator: str, level: str, region: str) -> str:
    return indicator_csv(indicator, level, region, source_header=True)


@st.cache_data(show_spinner=False, max_entries=256)
def profile(code: str, level: str, region: str) -> AreaProfile:
    return area_profile(code, level, region)


@st.cache_data(show_spinner=False, max_entries=128)
def in_brief(indicator: str, level: str, region: str) -> list[str]:
    """The briefing pack's plain-English sentences for the areas on the map (each from computed values)."""
    from mapkit.export import summarise

    try:
        return summarise(prepare(View(region=region, level=level, indicator=indicator)))
    except mapkit.MapkitError:  # e.g. no area of the level in the region: the map says so itself
        return []


def offered_overlays() -> tuple[str, ...]:
    """Overlay ids the app offers: every group declared in ``layers/overlays.toml``."""
    return tuple(overlay_specs())


@st.cache_resource(show_spinner=False, max_entries=128)
def overlay_frame(overlay_id: str, region: str, statuses: tuple[str, ...] | None,
                  as_of: str | None = None) -> gpd.GeoDataFrame:
    """An overlay group's features in a region with the chosen statuses, as of a date (shared, read-only)."""
    day = None if as_of is None else status_dates.check_as_of(as_of)
    return overlays.overlay_in_region(overlay_id, region, statuses=statuses, as_of=day)


@st.cache_data(show_spinner=False, max_entries=128)
def overlay_summary_text(overlay_id: str, region: str, statuses: tuple[str, ...] | None, distance_km: float,
                         as_of: str | None = None) -> str:
    frame = overlay_frame(overlay_id, region, statuses, as_of)
    spec = overlay_specs()[overlay_id]
    return nearby.group_summary(frame, distance_km=distance_km, noun=spec.noun,
                                noun_plural=spec.noun_plural).sentence()


@st.cache_data(show_spinner=False, max_entries=128)
def zone_residents(overlay_id: str, region: str, feature_id: str) -> zones.ZoneResidents:
    """Residents of a zone's wards (nested LSOAs whole, straddling ones apportioned)."""
    frame = overlay_frame(overlay_id, region, None)
    row = frame.loc[frame["id"] == feature_id].iloc[0]
    return zones.residents_in_zone(row.to_dict(), row.geometry)


@st.cache_data(show_spinner=False, max_entries=128)
def decile_comparison(shares: tuple[float, ...], ca_code: str | None) -> pd.DataFrame:
    """Share of residents by decile here, in the combined authority and in England."""
    return zones.comparison(pd.DataFrame({"share": list(shares)}), ca_code)


@st.cache_data(show_spinner=False, max_entries=512)
def feature_nearby(overlay_id: str, region: str, feature_id: str, distance_km: float) -> nearby.Nearby:
    """Residents near one published overlay feature (schematic lines are measured from their stops)."""
    frame = overlay_frame(overlay_id, region, None)
    row = frame.loc[frame["id"] == feature_id].iloc[0]
    schematic = row.get("schematic")
    shape = nearby.catchment(row.geometry, schematic=bool(pd.notna(schematic) and schematic))
    return nearby.population_near(shape, distance_km=distance_km)


# ------------------------------------------------------------------------------------------------ labels


def indicator_label(indicator: str) -> str:
    return mapkit.registry().indicator(indicator).label


def neutral_labels(table: pd.DataFrame) -> list[str]:
    """Labels of the neutral (size) indicators among a profile's rows."""
    registry = mapkit.registry()
    return [label for ind, label in zip(table["indicator"], table["label"])
            if registry.indicator(ind).higher_is == "neutral"]


def neutral_key(table: pd.DataFrame) -> str:
    """The exception to "rank 1 = worst" for the neutral indicators of a profile table ("" when there are none)."""
    labels = neutral_labels(table)
    return f"; for {', '.join(labels)} (sizes, not performance measures) rank 1 = highest" if labels else ""


def position_key(table: pd.DataFrame) -> str:
    """What 100 and 0 mean on the profile's position chart."""
    labels = neutral_labels(table)
    if len(labels) == len(table):
        return "100 = highest, 0 = lowest"
    key = "100 = worst, 0 = best"
    return f"{key}; for {', '.join(labels)}: 100 = highest" if labels else key


# ------------------------------------------------------------------------------------------------ view state


def overlay_key(overlay_id: str) -> str:
    return f"w_overlay_{overlay_id}"


def seed_widgets(view: View) -> None:
    for field, key in WIDGETS.items():
        st.session_state[key] = getattr(view, field)
    for overlay_id in offered_overlays():
        st.session_state[overlay_key(overlay_id)] = overlay_id in view.overlays
    st.session_state["w_statuses"] = list(status_order() if view.statuses is None else view.statuses)
    st.session_state["w_as_of_on"] = view.as_of is not None
    st.session_state["w_as_of"] = view.as_of_date or datetime.date.today()
    seed_time_widgets(view)
    st.session_state[COMPARE_KEY] = list(view.compare_areas)


def on_theme_change() -> None:
    """A new theme selects its first indicator available at the current level."""
    level = st.session_state[WIDGETS["level"]]
    theme = st.session_state["w_theme"]
    for indicator in indicators_for(level):
        if mapkit.registry().indicator(indicator).theme == theme:
            st.session_state[WIDGETS["indicator"]] = indicator
            return


def ensure_option(key: str, options: list[Any], fallback: Any) -> None:
    """Keep a widget's value among its options (options change with region, level and indicator)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = fallback if fallback in options else options[0]


def sidebar(previous: View) -> View:
    """Draw the controls and return the view they describe."""
    registry = mapkit.registry()
    sb = st.sidebar
    previous = search_box(previous)
    sb.header("What to map")
    region_codes = list(mapkit.regions()["code"])
    region = sb.selectbox("Region", region_codes, key=WIDGETS["region"], format_func=region_label,
                          help="England, a combined authority or a district. Type to search by name.")
    levels = list(levels_for(region))
    ensure_option(WIDGETS["level"], levels, DEFAULT.level)
    level = sb.radio("Areas", levels, key=WIDGETS["level"], format_func=level_label, horizontal=True,
                     help="LSOAs are neighbourhoods of about 1,500 people (33,755 in England).")

    available = indicators_for(level)
    ensure_option(WIDGETS["indicator"], available, default_indicator(level))
    themes = list(dict.fromkeys(registry.indicator(i).theme for i in available))
    st.session_state["w_theme"] = registry.indicator(st.session_state[WIDGETS["indicator"]]).theme
    theme = sb.selectbox("Theme", themes, key="w_theme", on_change=on_theme_change)
    in_theme = [i for i in available if registry.indicator(i).theme == theme]
    indicator = sb.selectbox("Indicator", in_theme, key=WIDGETS["indicator"], format_func=indicator_label)
    spec = registry.indicator(indicator)
    sb.caption(spec.description)
    sb.caption(f"**Unit:** {spec.unit} · **Period:** {spec.period}  \n{wording.source_caption(spec)}")
    if spec.note_for(level):
        sb.caption(f"**Note for {registry.boundary(level).plural}:** {spec.note_for(level)}")
    missing = [s for s in registry.indicators.values() if level not in s.levels]
    if missing:
        with sb.expander(f"Not available for {registry.boundary(level).plural} ({len(missing)})"):
            for other in missing:
                reason = other.note_for(level) or f"Published for {', '.join(other.levels)} only."
                st.caption(f"**{other.label}** ({other.theme}): {reason}")

    time = time_controls(indicator, level)

    sb.header("Classes and colours")
    schemes = class_specs.available_schemes(spec)
    ensure_option(WIDGETS["scheme"], schemes, "quantiles")
    scheme = sb.selectbox("Classification", schemes, key=WIDGETS["scheme"],
                          format_func=lambda s: class_specs.SCHEMES[s].label, disabled="change" in time,
                          help="A change map has equal steps either side of its centre." if "change" in time else None)
    deciles = class_specs.SCHEMES[scheme].needs_deciles
    k = sb.slider("Number of classes", class_specs.K_MIN, class_specs.K_MAX, key=WIDGETS["k"], disabled=deciles,
                  help="Official national deciles always have ten classes." if deciles else None)
    compare = sb.radio("Class breaks", list(class_specs.COMPARES), key=WIDGETS["compare"],
                       format_func=lambda c: sentence_case(class_specs.COMPARES[c]), disabled=deciles,
                       help="Compared with England: breaks from every area of this level in England, so the "
                            "region reads against the national picture. Within this region: breaks from the "
                            "region's areas only, to show differences inside it.")
    palette_names = [palettes.DEFAULT, *palettes.PALETTES]
    palette = sb.selectbox("Palette", palette_names, key=WIDGETS["palette"],
                           format_func=lambda p: palette_label(p, indicator),
                           help=f"All palettes are colour-blind safe. {DARKER[spec.higher_is]}. "
                                "'Greyscale for printing' survives black-and-white copies.")
    basemap = sb.radio("Basemap", list(BASEMAPS), key=WIDGETS["basemap"], format_func=lambda b: BASEMAPS[b].label)
    chosen, statuses, as_of = overlay_controls()

    area = previous.area if (previous.region, previous.level) == (region, level) else None
    view, _ = View.lenient(region=region, level=level, indicator=indicator, scheme=scheme, k=int(k), compare=compare,
                           palette=palette, basemap=basemap, area=area, overlays=chosen, statuses=statuses,
                           postcode=previous.postcode if previous.region == region else None,
                           compare_areas=tuple(st.session_state.get(COMPARE_KEY) or ()), as_of=as_of,
                           overlay_ids=offered_overlays(), **time)
    if list(view.compare_areas) != list(st.session_state.get(COMPARE_KEY) or []):
        st.session_state[COMPARE_KEY] = list(view.compare_areas)  # another level: its areas left the list
    return view


@st.cache_data(show_spinner="Searching...", max_entries=256)
def search_text(text: str) -> search.SearchResult:
    return search.search(text)


def open_view(view: View) -> View:
    """Make ``view`` the current one and set the widgets to it (before they are drawn in this run)."""
    st.session_state["view"] = view
    seed_widgets(view)
    return view


def search_box(previous: View) -> View:
    """The search box at the top of the sidebar: a postcode opens at once, places are offered in a list.

    Each query opens its result once, so later changes to the controls are not undone by the box's text."""
    sb = st.sidebar
    text = sb.text_input("Find a postcode or place", key="w_find", max_chars=100,
                         placeholder="e.g. B9 5RP, B9, Moseley, Leeds",
                         help="A full postcode marks its point and opens its ward; the start of one (B9) lists "
                              "postcode districts and sectors; a name finds wards, districts, combined authorities, "
                              "LSOAs and overlay places, forgiving case, spaces and punctuation.").strip()
    view = previous
    result = search_text(text) if text else search.SearchResult()
    if result.message:
        sb.warning(result.message, icon="🔎")
    elif result.postcode is not None and st.session_state.get("found_for") != text:
        st.session_state["found_for"] = text
        if result.postcode.region is not None:
            view = open_view(search.view_for(previous, postcode=result.postcode)[0])
    elif result.partial:
        sb.caption("Live postcodes beginning **" + markdown_text(text.upper()) + "**: "
                   + ", ".join(f"{o.prefix} ({o.count:,})" for o in result.partial)
                   + ". Type the whole postcode to find it.")
    elif result.places:
        options = result.places
        choice = sb.selectbox(f"{len(options)} place{'s' * (len(options) != 1)} found", range(len(options)),
                              index=None, format_func=lambda i: options[i].label, key=f"w_found_{text.lower()}",
                              placeholder="Choose a place to open it")
        if choice is not None and st.session_state.get("found_for") != (text, choice):
            st.session_state["found_for"] = (text, choice)
            view = open_view(search.view_for(previous, place=options[choice])[0])
    postcode_card(view, result.postcode if result.postcode is not None and result.postcode.region is None else None)
    return view


def postcode_card(view: View, unplaced: postcodes.PostcodeResult | None = None) -> None:
    """Where the marked postcode lies (LSOA, ward, district, combined authority), with its caveat and sources."""
    found = unplaced or (postcodes.lookup(view.postcode) if view.postcode else None)
    if found is None:
        return
    sb = st.sidebar
    rows = [f"**{found.postcode}**"]
    for label, name, code in (("LSOA", found.lsoa_name, found.lsoa_code), ("Ward", found.ward_name, found.ward_code),
                              ("District", found.lad_name, found.lad_code),
                              ("Combined authority", found.ca_name, found.ca_code)):
        rows.append(f"{label}: {markdown_text(name)} ({code})" if code else f"{label}: none")
    sb.markdown("  \n".join(rows))
    if found.caveat:
        sb.warning(found.caveat, icon="⚠️")
    sb.caption(f"{postcodes.METHOD_NOTE} {mapkit.registry().sources[postcodes.SOURCE_KEY].attribution}")
    left, right = sb.columns(2)
    if found.lsoa_code and view.level != "lsoa" and left.button("Open its LSOA", key="postcode_lsoa"):
        open_view(search.view_for(dataclasses.replace(view, level="lsoa"), postcode=found)[0])
        st.rerun()
    if view.postcode and right.button("Clear", key="postcode_clear", help="Remove the postcode's marker"):
        st.session_state["view"] = dataclasses.replace(view, postcode=None)
        st.rerun()


def overlay_controls() -> tuple[tuple[str, ...], tuple[str, ...] | None, str | None]:
    """Overlay groups, statuses to draw (``None``: every status) and the "as of" date (``None``: today)."""
    sb = st.sidebar
    sb.header("Overlays")
    chosen = tuple(spec.id for spec in overlay_specs().values()
                   if sb.checkbox(spec.label, key=overlay_key(spec.id), help=spec.description))
    order = status_order()
    labels = overlay_declarations().status.labels
    picked = sb.multiselect("Statuses shown", order, key="w_statuses", format_func=lambda s: labels[s],
                            disabled=not chosen, placeholder="No status: nothing drawn",
                            help="Each feature's own status text and date are in its popup. 'Status unclear' "
                                 "holds schemes whose status the sources leave open (shelved, superseded, "
                                 "delayed).")
    statuses = None if set(picked) == set(order) else tuple(s for s in order if s in picked)
    as_of = None
    if sb.checkbox("Show the schemes as of a date", key="w_as_of_on", disabled=not chosen,
                   help="The research holds each scheme's latest status and its date, not its history: as of a "
                        "date, only schemes whose status was recorded by then are drawn. Popups flag statuses "
                        "over a year older than this date (or than today)."):
        day = sb.date_input("As of", key="w_as_of", min_value=status_dates.EARLIEST,
                            max_value=datetime.date.today().replace(year=datetime.date.today().year + 10),
                            format="YYYY-MM-DD", disabled=not chosen)
        as_of = day.isoformat() if isinstance(day, datetime.date) else None
    if chosen and statuses == ():
        sb.caption("Choose at least one status to draw the overlays.")
    elif chosen:
        with sb.expander("Key to the overlay symbols", expanded=True):
            st.markdown(overlay_drawing.legend_html(chosen, statuses=statuses), unsafe_allow_html=True)
    return chosen, statuses, as_of


@dataclasses.dataclass(frozen=True, eq=False)
class UserLayer:
    """A file the user uploaded this session: its features, or why it was refused. Lives in session state only."""

    file_id: str
    name: str
    frame: gpd.GeoDataFrame | None
    error: str | None
    digest: str = ""
    """SHA-256 of the file's bytes: the key of this session's cached "who lives near" answers."""


def read_user_layer(data: bytes, filename: str) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """An uploaded file's features, or the message that says what is wrong and how to fix it (never a traceback).

    The file is read in a worker process with a memory ceiling and a time limit, so one upload cannot take the
    server (and every other user's session) down."""
    try:
        return uploads.read_upload_bounded(data, filename), None
    except UploadError as exc:
        return None, str(exc)


def markdown_text(text: str) -> str:
    """Text shown literally by Streamlit's markdown (a file name cannot become a link, markup or a formula)."""
    return re.sub(r"([\\`*_\[\]<>#|~$])", r"\\\1", text)


def upload_control() -> UserLayer | None:
    """The "bring your own layer" uploader. Streamlit keeps the upload in memory for this session; it is read
    from its bytes here and never written to disk or to a cache shared with other sessions."""
    sb = st.sidebar
    file = sb.file_uploader(
        "Your own layer (CSV or GeoJSON)", key=UPLOAD_KEY, max_upload_size=uploads.MAX_BYTES // 1024 // 1024,
        help=f"CSV with a name column and lat/lon (WGS84) or easting/northing (British National Grid), or a "
             f"GeoJSON file of points, lines or polygons; up to {uploads.MAX_BYTES // 1024 // 1024} MB and "
             f"{uploads.MAX_FEATURES:,} features. It stays in this browser session only and is not saved.")
    if file is None:
        st.session_state.pop("user_layer", None)
        return None
    layer: UserLayer | None = st.session_state.get("user_layer")
    if layer is None or layer.file_id != file.file_id:
        data = file.getvalue()
        with sb.spinner("Reading your layer..."):
            frame, error = read_user_layer(data, file.name)
        layer = UserLayer(file_id=file.file_id, name=file.name, frame=frame, error=error,
                          digest=hashlib.sha256(data).hexdigest())
        st.session_state["user_layer"] = layer
    if layer.error is not None:
        sb.error(markdown_text(layer.error), icon="⚠️")
        return None
    for note in layer.frame.attrs.get("notes", []):
        sb.warning(markdown_text(note), icon="🛠️")
    count = len(layer.frame)
    sb.caption(f"Drawn as **Your layer: {markdown_text(layer.name)}** ({count:,} feature{'s' * (count != 1)}). "
               "Kept in this session's memory only; never saved on the server.")
    return layer


def sync_url(view: View) -> None:
    query = links.to_query(view)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


# ------------------------------------------------------------------------------------------------ page parts


def overlay_layers(view: View, user_layer: UserLayer | None = None) -> list[folium.FeatureGroup]:
    """Layers drawn above the choropleth: the chosen overlay groups (one layer per status), their key (a legend
    stacked above the choropleth's, carrying the groups' attribution), then the user's own layer."""
    layers: list[folium.FeatureGroup] = []
    drawn = []
    for overlay_id in view.overlays:
        frame = overlay_frame(overlay_id, view.region, view.statuses, view.as_of)
        if len(frame):
            layers.extend(overlay_drawing.overlay_layers(frame, overlay_id, as_of=view.as_of_date))
            drawn.append(overlay_id)
    if drawn:
        key = folium.FeatureGroup(name="Overlay key", control=False)
        # Folded on the map (the full key is in the sidebar beside the toggles), so the region keeps its room.
        Legend(overlay_drawing.legend_html(drawn, statuses=view.statuses, collapsible=True, folded=True), extra=True,
               attribution=wording.overlay_attribution(drawn)).add_to(key)
        layers.append(key)
    if user_layer is not None and user_layer.frame is not None:
        layers.append(upload_layer(user_layer.frame, user_layer.name))
    return layers


def make_map(view: View, data: MapData, user_layer: UserLayer | None = None) -> WebMap:
    return build_map(view, data=data, extra_layers=[*similar_layers(view), *overlay_layers(view, user_layer)],
                     geometry=geometry(view.level, view.region), outlines=outlines(view.level, view.region),
                     geometry_url=geometry_url)


def use_local_assets(view_map: WebMap) -> None:
    """With MAPKIT_LOCAL_ASSETS=1 the map's scripts come from this server, not public CDNs (docs/offline.md)."""
    if not assets.local_assets_requested():
        return
    try:
        assets.serve_locally(view_map.base, *view_map.layers, base_url_path=st.get_option("server.baseUrlPath"),
                             static_serving=st.get_option("server.enableStaticServing"))
    except mapkit.MapkitError as exc:
        st.warning(str(exc), icon="⚠️")


def clicked_code(result: Any) -> str | None:
    drawing = (result or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    return code if isinstance(code, str) else None


def rank_text(rank: Any, n: Any) -> str:
    return "" if pd.isna(rank) or pd.isna(n) else f"{int(rank):,} of {int(n):,}"


def show_profile(view: View) -> AreaProfile | None:
    """The selected area beside the map: the mapped indicator's figures and the theme's positions."""
    if not view.area:
        st.info("Click an area on the map, or a row of the table below, to see its profile here.")
        sentences = in_brief(view.indicator, view.level, view.region)
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
                      f"Median of {region_name} {plural}: {r['region_median_text']}"]
        lines.append(f"Median of England's {plural}: {r['england_median_text']}")
        st.markdown("  \n".join(lines))
        if r["note"]:
            st.caption(r["note"])
        st.caption(f"Rank 1 = {RANK_ONE[spec.higher_is]}. {spec.period}. Source: {r['source']}.")
    show_trend(view, prof)
    theme_rows = table[table["theme"] == spec.theme].dropna(subset=["england_position"])
    if not theme_rows.empty:
        st.caption(f"**{spec.theme}**: position among England's {plural} ({position_key(theme_rows)})")
        st.bar_chart(theme_rows.set_index("label")["england_position"].rename("Position in England"),
                     horizontal=True, height=max(180, 34 * len(theme_rows)), x_label="", y_label="")
    show_compare_button(view, prof)
    shown(show_similar, view, prof)
    if st.button("Close profile", key="close_profile"):
        st.session_state["view"] = dataclasses.replace(view, area=None)
        st.rerun()
    return prof


def show_profile_table(view: View, prof: AreaProfile) -> None:
    """Every indicator for the selected area, under the map (too wide for the column beside it)."""
    region_name = mapkit.region_name(view.region)
    plural = mapkit.registry().boundary(view.level).plural
    table = prof.table
    with st.expander(f"Profile of {prof.name}: all {len(table)} indicators published for {plural}", expanded=True):
        shown = pd.DataFrame({
            "Theme": table["theme"],
            "Indicator": table["label"],
            "Value": table["value_text"],
            "Rank in England": [rank_text(r, n) for r, n in zip(table["rank_england"], table["n_england"])],
            f"Rank in {region_name}": [rank_text(r, n) for r, n in zip(table["rank_region"], table["n_region"])],
            f"Median of {region_name} {plural}": table["region_median_text"],
            f"Median of England's {plural}": table["england_median_text"],
            "Period": table["period"],
            "Source": table["source"],
            "Note": table["note"],
        })
        st.dataframe(shown, hide_index=True, height=320, width="stretch")
        st.caption(f"Rank 1 = worst (most deprived, or lowest where higher is better){neutral_key(table)}. "
                   "Medians are of the areas of this level, not totals for the region or England.")


TABLE_PAGE_KEY = "w_table_page"
TABLE_ORDER_KEY = "w_table_order"


def table_controls(view: View, table: pd.DataFrame) -> paging.TablePage:
    """Search, order and page of the ranked table; a new view, search or order starts again at page 1."""
    spec = mapkit.registry().indicator(view.indicator)
    search_column, order_column, page_column = st.columns([4, 3, 2], vertical_alignment="bottom")
    query = search_column.text_input("Search by name or code", key="w_search", placeholder="e.g. Aston",
                                     max_chars=100).strip()
    st.session_state.setdefault(TABLE_ORDER_KEY, paging.ORDERS[0])
    order = order_column.radio("Order", paging.ORDERS, key=TABLE_ORDER_KEY, horizontal=True,
                               format_func=lambda o: paging.order_label(o, spec.higher_is))
    signature = (view.indicator, view.level, view.region, query, order)
    if st.session_state.get("table_for") != signature:
        st.session_state["table_for"] = signature
        st.session_state[TABLE_PAGE_KEY] = 1
    pages = paging.pages_for(len(paging.name_filter(table, query)))
    st.session_state[TABLE_PAGE_KEY] = min(max(1, int(st.session_state.get(TABLE_PAGE_KEY) or 1)), pages)
    page = page_column.number_input("Page", min_value=1, max_value=pages, step=1, key=TABLE_PAGE_KEY,
                                    disabled=pages == 1, help=f"{paging.PAGE_ROWS} rows a page. Every row is in "
                                                              "the CSV download below the table.")
    return paging.table_page(table, query=query, order=order, page=int(page))


def show_ranking(view: View) -> None:
    """A page of the ranked table (every area would be megabytes at each rerun for England), with its controls."""
    spec = mapkit.registry().indicator(view.indicator)
    region_name = mapkit.region_name(view.region)
    plural = mapkit.registry().boundary(view.level).plural
    st.header(f"{spec.label}: {plural} of {region_name}, ranked")
    table = ranking(view.indicator, view.level, view.region)
    page = table_controls(view, table)
    query = str(st.session_state.get("w_search") or "").strip()
    st.caption(page.summary(plural, markdown_text(query)))
    rows = page.rows
    shown = rows.assign(value_text=[spec.format_value(None if pd.isna(v) else float(v)) for v in rows["value"]])
    shown, trend_column = with_trend(shown, view)
    # A key per page: a selection belongs to the rows it was made on, not to the same position on another page.
    key = "ranking_table_" + hashlib.sha1(repr((st.session_state["table_for"], page.page)).encode()).hexdigest()[:12]
    columns = [*(["rank_in_region"] if view.region != mapkit.ENGLAND else []), "name", "code", "value",
               *trend_column, "rank_in_england", "n_england", "decile_in_england", "note"]
    event = st.dataframe(
        shown[columns], hide_index=True, width="stretch", height=320, key=key,  # only the columns shown are sent
        on_select="rerun", selection_mode="single-row", column_order=columns,
        column_config={
            **trend_config(view),
            "rank_in_region": st.column_config.NumberColumn(f"Rank in {region_name}",
                                                            help=f"1 = {RANK_ONE[spec.higher_is]}"),
            "name": st.column_config.TextColumn("Name"),
            "code": st.column_config.TextColumn("Code"),
            "value": st.column_config.NumberColumn(f"{spec.label} ({spec.unit})",
                                                   format=table_number_format(spec.number_format)),
            "rank_in_england": st.column_config.NumberColumn("Rank in England", help=f"1 = {RANK_ONE[spec.higher_is]}"),
            "n_england": st.column_config.NumberColumn("Areas ranked in England"),
            "decile_in_england": st.column_config.NumberColumn("National decile",
                                                               help=f"1 = {RANK_ONE[spec.higher_is]} 10%"),
            "note": st.column_config.TextColumn("Note"),
        },
    )
    picked = getattr(getattr(event, "selection", None), "rows", None) or []
    if picked and picked[0] < len(shown):
        code = str(shown.iloc[picked[0]]["code"])
        current: View = st.session_state["view"]
        if code != current.area and code != st.session_state.get("last_table_pick"):
            st.session_state["last_table_pick"] = code
            st.session_state["view"] = dataclasses.replace(current, area=code)
            st.rerun()
    if st.checkbox("Show as a plain table", key="w_plain_table",
                   help="The rows of this page as an HTML table with headers, for screen readers and printing."):
        plain_table(shown, view)
    st.download_button(
        f"Download CSV of all {len(table):,} {plural} (with source header)",
        data=functools.partial(csv_text, view.indicator, view.level, view.region),  # made when clicked
        file_name=table_file_name(view.indicator, view.level, view.region), mime="text/csv",
        help="Every area of the table, with a header naming the source, vintage and licence.")
    st.caption(wording.source_caption(spec))


def plain_table(shown: pd.DataFrame, view: View) -> None:
    """The page's rows as a real HTML table (st.table): the same rows, in the same order, as the grid above."""
    spec = mapkit.registry().indicator(view.indicator)
    region_name = mapkit.region_name(view.region)
    columns = {"rank_in_region": f"Rank in {region_name}", "name": "Name", "code": "Code",
               "value_text": f"{spec.label} ({spec.unit})", "rank_in_england": "Rank in England",
               "decile_in_england": "National decile", "note": "Note"}
    if view.region == mapkit.ENGLAND:  # England is the region: its rank is the rank in England (as in the grid)
        columns.pop("rank_in_region")
    table = shown[[c for c in columns if c in shown.columns]].rename(columns=columns)
    st.table(table.astype(str).replace({"nan": "", "<NA>": "", "None": ""}))


# ------------------------------------------------------------------------------------------------ time series

TIME_MODES = {"year": "One year", "change": "Change between two years"}


@st.cache_data(show_spinner=False, max_entries=64)
def series_years(series_id: str) -> list[int]:
    return series_years_of(series_id)


@st.cache_data(show_spinner=False, max_entries=128)
def region_trend(indicator: str, region: str, period: tuple[int, int] | None) -> str | None:
    """The "In brief" sentence on the region's own change (computed from ONS's series)."""
    try:
        return time_series.region_sentence(indicator, region, region_label_plain(region), period)
    except mapkit.MapkitError:
        return None


def region_label_plain(code: str) -> str:
    name = mapkit.region_name(code)
    return f"the {name} CA" if code.startswith("E47") else name


def seed_time_widgets(view: View) -> None:
    """The year/change widgets as a link or the session's view sets them (the latest year when none)."""
    st.session_state["w_time_mode"] = "change" if view.change is not None else "year"
    if view.year is not None:
        st.session_state["w_year"] = view.year
    if view.change is not None:
        st.session_state["w_change"] = tuple(view.change)
    st.session_state["w_centre"] = view.centre


def time_controls(indicator: str, level: str) -> dict[str, Any]:
    """Year or change controls for an indicator with an ONS time series; View fields (none without a series)."""
    series = mapkit.registry().series_for(indicator)
    if series is None or level not in ("lad", "ca"):
        return {}
    sb = st.sidebar
    sb.header("Over time")
    known = series_years(series.id)
    mode = sb.radio("Show", list(TIME_MODES), key="w_time_mode", format_func=TIME_MODES.get, horizontal=True)
    if mode == "year":
        ensure_option("w_year", known, known[-1])
        year = sb.select_slider("Year", known, key="w_year",
                                help=f"ONS publishes {series.label.lower()} for {known[0]} to {known[-1]}.")
        return {"year": None if year == known[-1] else int(year)}
    default = time_series.default_period(series.id)
    chosen = st.session_state.get("w_change")
    if not (isinstance(chosen, tuple) and len(chosen) == 2 and chosen[0] in known and chosen[1] in known
            and chosen[0] < chosen[1]):
        st.session_state["w_change"] = default
    start, end = sb.select_slider("From and to", known, key="w_change")
    if start == end:
        sb.caption("Choose two different years.")
        return {}
    centre = sb.radio("Centre the colours on", list(class_specs.CENTRES), key="w_centre",
                      format_func=lambda c: class_specs.CENTRES[c], horizontal=True,
                      help="The middle colour of the change map: no change, or England's own change, so that "
                           "areas read as faster or slower than England.")
    return {"change": (int(start), int(end)), "centre": centre}


@st.cache_data(show_spinner=False, max_entries=64)
def trends(series_id: str, level: str, codes: tuple[str, ...]) -> dict[str, list[float | None]]:
    return time_series.trend_lists(series_id, level, list(codes))


def with_trend(table: pd.DataFrame, view: View) -> tuple[pd.DataFrame, list[str]]:
    """The ranked table with a "trend" column (each area's ONS series) where the indicator has one."""
    series = mapkit.registry().series_for(view.indicator)
    if series is None or view.level not in ("lad", "ca"):
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


@st.cache_data(show_spinner=False, max_entries=256)
def area_trend(series_id: str, code: str, level: str, ca_code: str | None) -> pd.DataFrame:
    names = {code: mapkit.region_name(code) if level in ("lad", "ca") else code}
    if ca_code:
        names[ca_code] = f"{mapkit.region_name(ca_code)} CA"
    return time_series.area_lines(series_id, code, level, ca_code=ca_code, names=names)


def show_trend(view: View, prof: AreaProfile) -> None:
    """The selected area's series against its combined authority and England, and its change sentence."""
    series = mapkit.registry().series_for(view.indicator)
    if series is None or view.level not in ("lad", "ca"):
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


@st.cache_data(show_spinner=False, max_entries=64)
def series_csv(indicator: str, level: str, region: str, year: int | None, change: tuple[int, int] | None) -> str:
    if change is not None:
        return series_tables.change_csv(indicator, level, region, *change)
    return series_tables.year_csv(indicator, level, region, int(year))


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
                   "gap": st.column_config.NumberColumn(f"Against England ({unit})", format="%+.1f"),
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
    st.download_button("Download CSV (with source header)",
                       data=series_csv(view.indicator, view.level, view.region, view.year, view.change),
                       file_name=f"{view.indicator}_{view.level}_{view.region}_"
                                 f"{'-'.join(map(str, view.change)) if view.change else view.year}.csv",
                       mime="text/csv")
    source = mapkit.registry().sources[series.source]
    st.caption(f"Source: {source.publisher}, {source.title}; ONS release {series.release_date}. {source.licence}. "
               "Every figure is ONS's own cell; changes are computed from them.")


# ------------------------------------------------------------------------------------------------ compare, similar


@st.cache_data(show_spinner=False, max_entries=64)
def comparison(codes: tuple[str, ...], level: str, theme: str | None) -> Comparison:
    return compare_areas(codes, level, theme)


@st.cache_data(show_spinner=False, max_entries=32)
def comparison_csv(codes: tuple[str, ...], level: str) -> str:
    return make_comparison_csv(comparison(codes, level, None))


@st.cache_data(show_spinner=False, max_entries=256)
def similar_table(code: str, level: str) -> pd.DataFrame:
    return similar.similar_areas(code, level)


@st.cache_data(show_spinner=False, max_entries=64)
def similar_csv(code: str, level: str) -> str:
    return similar.similar_csv(code, level)


@st.cache_resource(show_spinner=False)
def area_labels(level: str) -> dict[str, str]:
    """Every area of a level in England by code, labelled for a picker with its parent (wards share names)."""
    frame = mapkit.load_boundaries(level)
    parent = {"ward": "lad_name", "lad": "rgn_name"}.get(level)
    if parent is None:
        return dict(zip(frame["code"], frame["name"].astype(str)))
    return {c: f"{n} ({p})" for c, n, p in zip(frame["code"], frame["name"], frame[parent])}


def set_compare_list(codes: list[str]) -> None:
    """Callback: the compare list becomes ``codes`` (at most :data:`MAX_COMPARE`, once each)."""
    st.session_state[COMPARE_KEY] = list(dict.fromkeys(codes))[:MAX_COMPARE]


def show_compare_button(view: View, prof: AreaProfile) -> None:
    """"Add to compare" for the open profile's area (wards, districts and combined authorities)."""
    if view.level not in COMPARE_LEVELS:
        return
    current = list(st.session_state.get(COMPARE_KEY) or [])
    if prof.code in current:
        st.caption(f"{markdown_text(prof.name)} is in the compare list ({len(current)} of {MAX_COMPARE}): see the "
                   "Compare areas tab.")
        return
    full = len(current) >= MAX_COMPARE
    st.button("Add to compare", key="add_compare", icon=":material/add:", disabled=full,
              on_click=set_compare_list, args=([*current, prof.code],),
              help=(f"The compare list is full ({MAX_COMPARE} areas): remove one in the Compare areas tab."
                    if full else "Add this area to the side-by-side comparison (Compare areas tab)."))
    if full:
        st.caption(f"The compare list is full: it holds at most {MAX_COMPARE} areas.")


def similar_layers(view: View) -> list[folium.FeatureGroup]:
    """The open area's similar areas outlined on the map, when the user asked for it."""
    if not (view.area and view.level in similar.LEVELS and st.session_state.get(SIMILAR_KEY)):
        return []
    try:
        codes = list(similar_table(view.area, view.level)["code"])
    except mapkit.MapkitError:
        return []
    return [highlight_group(view.level, codes, "Similar areas", SIMILAR_STYLE)]


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
        st.checkbox("Outline them on the map", key=SIMILAR_KEY,
                    help="Drawn in magenta; areas outside the region on the map are off-screen (choose England).")
        nearest = list(table["code"])[:MAX_COMPARE - 1]
        st.button(f"Compare {prof.name} with these", key="compare_similar", on_click=set_compare_list,
                  args=([prof.code, *nearest],),
                  help=f"Replaces the compare list with {prof.name} and its {len(nearest)} most similar areas "
                       f"(the compare view holds {MAX_COMPARE}).")
        st.download_button("Download the list (CSV)", data=similar_csv(prof.code, view.level),
                           file_name=f"similar_{prof.code}_{view.level}.csv", mime="text/csv", key="similar_csv",
                           on_click="ignore")


def optional_float(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


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
    st.session_state[COMPARE_WIDGET] = list(view.compare_areas)
    picked = st.multiselect(
        f"{sentence_case(plural)} to compare (anywhere in England, up to {MAX_COMPARE})", list(labels),
        key=COMPARE_WIDGET, on_change=lambda: set_compare_list(st.session_state[COMPARE_WIDGET]),
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
                         key="w_compare_theme")
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
    left, middle, right = st.columns([3, 3, 2], vertical_alignment="bottom")
    left.download_button("Download the comparison, every theme (CSV)", data=comparison_csv(tuple(picked), view.level),
                         file_name=f"compare_{view.level}_{len(picked)}_areas.csv", mime="text/csv",
                         key="compare_csv", on_click="ignore", icon=":material/download:")
    fmt = middle.selectbox("Page", ["png", "pdf"], key="w_compare_fmt",
                           format_func=lambda f: f"This theme as an A4 page ({f.upper()})")
    if right.button("Prepare page", key="compare_page"):
        with st.spinner("Drawing the page..."):
            st.session_state["compare_page_file"] = ((tuple(picked), view.level, theme, fmt),
                                                compare_page.compare_page(result, fmt))
    made = st.session_state.get("compare_page_file")
    if made is not None and made[0] == (tuple(picked), view.level, theme, fmt):
        st.download_button(f"Download the page ({fmt.upper()}, {size_text(len(made[1]))})", data=made[1],
                           file_name=f"compare_{view.level}_{len(picked)}_areas.{fmt}",
                           mime="image/png" if fmt == "png" else "application/pdf", key="compare_page_download",
                           on_click="ignore", icon=":material/download:")


@dataclasses.dataclass(frozen=True)
class Place:
    """A place offered under "who lives near": an overlay feature or a feature of the user's layer."""

    label: str
    overlay_id: str | None = None
    feature_id: str | None = None
    geometry: Any = None
    upload_key: tuple[str, int] | None = None
    """(SHA-256 of the upload, feature index) for a feature of the user's layer."""

    zone: bool = False
    ca_code: str | None = None

    def residents(self, view: View, distance_km: float) -> nearby.Nearby | zones.ZoneResidents:
        if self.zone:
            return zone_residents(str(self.overlay_id), view.region, str(self.feature_id))
        if self.overlay_id is not None:
            return feature_nearby(self.overlay_id, view.region, str(self.feature_id), distance_km)
        return upload_nearby(self, distance_km)


def upload_nearby(place: Place, distance_km: float) -> nearby.Nearby:
    """Residents near a feature of the user's layer: measured in a worker with a memory and time budget, and kept
    in this session's state by upload content (never in a cache shared with other sessions), so a change of
    basemap or palette does not count them again."""
    cache: dict[tuple[Any, ...], nearby.Nearby] = st.session_state.setdefault("upload_nearby", {})
    key = (*(place.upload_key or ()), float(distance_km))
    if key not in cache:
        if len(cache) >= 64:
            cache.clear()
        cache[key] = nearby.population_near_bounded(place.geometry, distance_km=distance_km,
                                                    what=f"Counting residents near {place.label}")
    return cache[key]


def places(view: View, user_layer: UserLayer | None) -> dict[str, Place]:
    """The features drawn on the map, by key, in group then name order."""
    out: dict[str, Place] = {}
    for overlay_id in view.overlays:
        frame = overlay_frame(overlay_id, view.region, view.statuses, view.as_of).sort_values("name", kind="stable")
        is_zone = frame["zone"].eq(True) if "zone" in frame.columns else pd.Series(False, index=frame.index)
        for feature_id, label, zone, ca in zip(frame["id"], overlays.feature_labels(frame), is_zone, frame["ca_code"]):
            out[f"{overlay_id}:{feature_id}"] = Place(label=label, overlay_id=overlay_id, feature_id=feature_id,
                                                      zone=bool(zone), ca_code=ca if isinstance(ca, str) else None)
    if user_layer is not None and user_layer.frame is not None:
        for i, row in enumerate(user_layer.frame.itertuples()):
            out[f"upload:{user_layer.file_id}:{i}"] = Place(label=f"{row.name} (your layer)", geometry=row.geometry,
                                                            upload_key=(user_layer.digest, i))
    return out


def show_nearby(view: View, user_layer: UserLayer | None) -> None:
    """Who lives near the overlays: one line per group, then residents near one place by national IMD decile."""
    if not view.overlays and user_layer is None:
        st.caption("Turn on an overlay in the sidebar (growth locations, transport schemes), or add your own "
                   "layer, to see who lives near it.")
        return
    region_name = mapkit.region_name(view.region)
    options = places(view, user_layer)
    keys = list(options)
    place_column, distance_column = st.columns([3, 2], gap="medium")
    if keys:
        ensure_option("w_near_place", keys, keys[0])
        chosen = place_column.selectbox(
            "Who lives near", keys, key="w_near_place", format_func=lambda k: options[k].label,
            help="A scheme, station or location drawn on the map, or a feature of your own layer. Type to search.")
    else:
        place_column.caption(f"No feature of the chosen overlays and statuses lies in or near {region_name}.")
    distance = distance_column.slider(
        "Within", nearby.MIN_DISTANCE_KM, nearby.MAX_DISTANCE_KM, value=nearby.DEFAULT_DISTANCE_KM, step=0.5,
        format="%.1f km", key="w_near_km", help="Distance from the place, in British National Grid metres.")
    specs = overlay_specs()
    with st.spinner("Counting residents..."):
        for overlay_id in view.overlays:
            st.markdown(f"**{specs[overlay_id].label}** in {region_name}: "
                        f"{overlay_summary_text(overlay_id, view.region, view.statuses, distance, view.as_of)}")
        try:
            result = options[chosen].residents(view, distance) if keys else None
        except UploadError as exc:  # the user's shape needed more than one session's budget
            st.warning(markdown_text(str(exc)), icon="⚠️")
            result = None
    if result is not None:
        st.markdown(f"**{markdown_text(options[chosen].label)}**: {result.sentence()}")
        table = pd.DataFrame({"National decile": result.table["decile"],
                              "Residents": result.table["population"].round(-1).astype(int),
                              "Share": (100 * result.table["share"]).round(1)})
        left, right = st.columns([2, 3], gap="medium")
        left.dataframe(table, hide_index=True, width="stretch", height=grid_height(len(table)), column_config={
            "National decile": st.column_config.NumberColumn(help="IoD2025 IMD decile of the LSOA; 1 = most "
                                                                  "deprived 10% of England"),
            "Residents": st.column_config.NumberColumn("Residents (about)", format="localized"),
            "Share": st.column_config.NumberColumn("Share of residents", format="%.1f%%"),
        })
        right.bar_chart(table, x="National decile", y="Residents", height=grid_height(len(table)),
                        x_label="National IMD decile (1 = most deprived 10%)", y_label="Residents")
        place = options[chosen]
        ca_code = view.region if mapkit.region_kind(view.region) == "ca" else place.ca_code
        compared = decile_comparison(tuple(float(x) for x in result.table["share"]), ca_code)
        compared = compared.rename(columns={"decile": "National decile",
                                            "here": "In the zone" if place.zone else f"Within {distance:g} km",
                                            "combined authority": mapkit.region_name(ca_code) if ca_code else "",
                                            "England": "England"})
        for column in compared.columns[1:]:
            compared[column] = (100 * compared[column]).round(1)
        st.markdown("**Share of residents by national IMD decile, compared** (%; combined authority and England "
                    "from the same LSOA figures)")
        st.dataframe(compared, hide_index=True, width="stretch", height=grid_height(len(compared)))
    if keys and options[chosen].zone:
        st.caption(f"Method (zone): {zones.METHOD}")
    st.caption(f"Method: {nearby.METHOD_DETAIL}")
    for overlay_id in view.overlays:
        show_not_mapped(overlay_id, view.region)


def grid_height(rows: int) -> int:
    """Height of a dataframe showing every row without scrolling."""
    return 38 + 35 * rows


def show_not_mapped(overlay_id: str, region: str) -> None:
    """The research rows of an overlay group that have no coordinate, so users can see what the map leaves out."""
    spec = overlay_specs()[overlay_id]
    rows = overlays.not_mapped(overlay_id, region=region)
    region_name = mapkit.region_name(region)
    with st.expander(f"{spec.label} not on the map in {region_name}: {len(rows)} without a coordinate"):
        if rows.empty:
            st.caption("Every researched feature of this group in the region has a coordinate.")
            return
        declarations = overlay_declarations()
        first_url = [next((u for u in re.split(r"\s+;\s+", str(cell or "")) if safe_url(u)), None)
                     for cell in rows["source_url"]]
        shown = pd.DataFrame({
            "Name": rows["name"],
            "Type": [declarations.subtype_label(str(t)) for t in rows["subtype"]],
            "Status": rows["status"],
            "District": rows["lad"],
            "Why not mapped": rows["reason"],
            "Notes": rows["notes"],
            "Source": rows["source_title"],
            "Link": first_url,
        })
        st.dataframe(shown, hide_index=True, width="stretch", column_config={
            "Link": st.column_config.LinkColumn("Link", display_text="open source")})


@dataclasses.dataclass(frozen=True, eq=False)
class PreparedExport:
    """A file made for a download button, with the request (view, choice, labels) it was made for."""

    request: tuple[Any, ...]
    content: bytes
    name: str
    mime: str


def export_data(view: View) -> MapData:
    """The export data of the view on the map (files show no selected area, as their request says)."""
    return prepare(dataclasses.replace(view, area=None))


def show_export(view: View) -> None:
    """Files of the current view, made only when asked for (a map page takes a few seconds), then downloaded."""
    st.caption("Every file shows the view on the map: region, areas, indicator, classes, palette and the overlays "
               "turned on, with titles, legend and sources. Your own uploaded layer stays on this page only.")
    left, middle, right = st.columns([5, 3, 2], vertical_alignment="bottom")
    choice_key = left.selectbox("Format", list(EXPORTS), key="w_export_format",
                                format_func=lambda k: EXPORTS[k].label)
    choice = EXPORTS[choice_key]
    labels = middle.number_input("Name the most and least extreme areas", min_value=0, max_value=MAX_LABELS,
                                 value=0, step=1, key="w_export_labels", disabled=not choice.static,
                                 help="How many areas to label by name at each end of the scale (0: none).")
    request = (dataclasses.replace(view, area=None), choice_key, int(labels) if choice.static else 0)
    if right.button("Prepare file", key="export_prepare", type="primary", width="stretch"):
        with st.status(f"Preparing: {choice.label}", expanded=True) as progress:
            try:
                st.write("Loading and classifying the areas...")
                data = export_data(view)
                st.write("Drawing and writing the file..." if choice.static else "Writing the file...")
                content, name, mime = export_file(data, choice_key, labels=request[2])
            except mapkit.MapkitError as exc:
                progress.update(label="The file could not be made", state="error")
                st.error(str(exc))
                return
            progress.update(label=f"Ready: {name} ({size_text(len(content))})", state="complete", expanded=False)
        st.session_state["export"] = PreparedExport(request=request, content=content, name=name, mime=mime)
    prepared: PreparedExport | None = st.session_state.get("export")
    if prepared is not None and prepared.request == request:
        st.download_button(f"Download {prepared.name} ({size_text(len(prepared.content))})", data=prepared.content,
                           file_name=prepared.name, mime=prepared.mime, key="export_download", type="primary",
                           on_click="ignore", icon=":material/download:")
    elif prepared is not None:
        st.caption("The view or the format changed since the last file was made: prepare it again.")


def show_footer(view: View, user_layer: UserLayer | None = None) -> None:
    tiles = BASEMAPS[view.basemap]
    basemap = None
    if tiles.provider:
        import xyzservices

        basemap = xyzservices.providers.query_name(tiles.provider).attribution
    extra = [postcodes.SOURCE_KEY] if view.postcode else []
    lines = wording.footer_lines(mapkit.registry().indicator(view.indicator), overlays=view.overlays,
                                 extra_sources=extra,
                                 nearby_method=nearby.METHOD, basemap_attribution=basemap,
                                 upload_name=None if user_layer is None else markdown_text(user_layer.name))
    st.divider()
    st.markdown("**Sources and licences of everything shown**\n\n" + "\n".join(lines))
    st.caption(wording.NO_FILLING)
    with st.expander("Accessibility statement"):
        st.markdown(guidance.STATEMENT)


def show_help(*, folded_only: bool = False) -> None:
    """How to read this map, and the glossary of IoD terms, folded under the title (``folded_only``: the folded
    box alone, its text left for the next run, so the map below it does not move)."""
    with st.expander("How to read this map, and what the terms mean"):
        if folded_only:
            return
        st.markdown(guidance.HOW_TO_READ)
        st.markdown("**Glossary**\n\n" + guidance.glossary_markdown())


def announce(view: View, data: MapData) -> None:
    """A polite live region (hidden from sight) saying what the map and profile now show, after each change."""
    names = data.frame.loc[data.frame["code"] == view.area, "name"] if view.area else ()
    text = describe.view_announcement(data, str(names.iloc[0]) if len(names) else None)
    st.html(f'<div class="mapkit-sr-only" role="status" aria-live="polite">{escape(text)}</div>')


def show_map_text(view: View, data: MapData) -> None:
    """The map's text alternative (indicator, region, classes, "In brief"), pointing to the ranked table."""
    with st.expander("Text description of the map"):
        st.markdown(markdown_text(describe.map_description(data, in_brief(view.indicator, view.level, view.region))))


# ------------------------------------------------------------------------------------------------ page


PAGE_DRAWN_KEY = "page_drawn"
# Seconds between the map alone reaching the browser and the rest of the page being sent: about the time the
# browser takes to mount the map (no bare strings here: Streamlit would write them on the page).
REST_AFTER_S = 0.8


@st.fragment(run_every=REST_AFTER_S)
def rest_of_page_soon() -> None:
    """Run the whole page again :data:`REST_AFTER_S` seconds after the map alone was sent, once.

    Drawn (empty) at the end of the session's first run; its timer then runs it by itself, and that run asks for
    the whole page, which no longer draws this fragment, so the timer stops."""
    if st.session_state.pop("rest_pending", False):
        st.rerun()
    st.session_state["rest_pending"] = True


def main() -> None:
    if "view" not in st.session_state:
        view, notices = links.parse_query(st.query_params.to_dict(), overlay_ids=offered_overlays())
        st.session_state["view"] = view
        st.session_state["notices"] = notices
        seed_widgets(view)
    previous: View = st.session_state["view"]
    # The session's first run sends the map alone (with the title and its caption): the browser then mounts the
    # map without waiting for the scripts of the sidebar's widgets and the tables, and the rest follows a moment
    # later (rest_of_page_soon). The view comes from the link, which is what the sidebar would show.
    map_first = not st.session_state.get(PAGE_DRAWN_KEY)
    if map_first:
        view, user_layer = previous, None
        st.sidebar.header("What to map")  # the sidebar takes its room now: the map does not move when it fills
        st.sidebar.caption("The controls are on their way.")
    else:
        view = sidebar(previous)
        user_layer = upload_control()
    st.session_state["view"] = view
    sync_url(view)

    st.html(PAGE_STYLE)
    st.title("England policy map")
    show_help(folded_only=map_first)
    for notice in st.session_state.get("notices", []):
        st.info(notice, icon="ℹ️")
    if st.session_state.get("notices") and st.button("Dismiss notices"):
        st.session_state["notices"] = []
        st.rerun()

    data = prepare(dataclasses.replace(view, overlays=()))  # overlays come from this app's shared cache
    spec, region_name, frame, classes = data.spec, data.region_name, data.frame, data.classification
    plural = mapkit.registry().boundary(view.level).plural
    st.caption(f"{spec.label} ({spec.unit}, {spec.period}) for the {len(frame):,} {plural} of {region_name}. "
               f"Classes: {class_specs.SCHEMES[classes.scheme].label}, from {classes.reference}.")
    show_change_note(view)

    announce(view, data)
    map_column, profile_column = st.columns([3, 1], gap="small")
    with map_column:
        view_map = make_map(view, data, user_layer)
        use_local_assets(view_map)
        result = st_folium(view_map.base, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
                           feature_group_to_add=list(view_map.layers), layer_control=view_map.layer_control(),
                           returned_objects=["last_active_drawing"])
        show_map_text(view, data)
        code = clicked_code(result)
        if code and code != st.session_state.get("last_click"):
            st.session_state["last_click"] = code
            if code != view.area and code in set(frame["code"]):
                st.session_state["view"] = dataclasses.replace(view, area=code)
                st.rerun()
    if map_first:
        st.session_state[PAGE_DRAWN_KEY] = True
        rest_of_page_soon()
        return
    with profile_column:
        prof = show_profile(view)
    if prof is not None:
        show_profile_table(view, prof)
    # "Who lives near" runs only while its tab is open (st.tabs with a key tells which is): it is the heavy part.
    st.session_state.setdefault("first_tab", TABS["compare"] if view.compare_areas else None)
    ranking_tab, compare_tab, nearby_tab, export_tab = st.tabs(
        list(TABS.values()), key=TAB_KEY, on_change="rerun", default=st.session_state["first_tab"])
    with ranking_tab:
        shown(show_series_ranking if view.over_time else show_ranking, view)
    with compare_tab:
        if compare_tab.open:
            shown(show_compare, view)
    with nearby_tab:
        if nearby_tab.open:
            shown(show_nearby, view, user_layer)
    with export_tab:
        shown(show_export, view)
    show_footer(view, user_layer)


def show_change_note(view: View) -> None:
    """For a change between editions, how many of the region's LSOAs could not be compared."""
    text = mapkit.analysis.edition_change.comparability_text(view.indicator, view.region)
    if text:
        st.caption(text)


def shown(part: Any, *args: Any) -> None:
    """Draw one part of the page; a missing or damaged data product stops that part only, with its message."""
    try:
        part(*args)
    except mapkit.MapkitError as exc:
        st.error(str(exc), icon="⚠️")


st.set_page_config(page_title="England policy map", page_icon=":material/map:", layout="wide")
try:
    main()
except mapkit.MapkitError as exc:
    st.error(f"The map cannot be shown: {exc}")
