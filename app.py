"""England policy map: Streamlit widgets -> mapkit -> streamlit-folium. UI and caching only; map logic is in mapkit.

Run with ``streamlit run app.py``. The view (region, level, indicator, classes, palette, basemap, selected area,
overlays) lives in the URL, so a copied link reopens it.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import mapkit
from mapkit import classify, palettes, state
from mapkit.choropleth import BASEMAPS, GeometryPayload, MapView, area_geometry, build_map, outline_geometry
from mapkit.profile import AreaProfile, area_profile
from mapkit.tables import indicator_csv, ranking_table

MAP_KEY = "map"
MAP_HEIGHT = 560
# Overlay ids the app offers. The overlay layers plug in through overlay_layers(); until then a link asking for
# an overlay gets a notice that it is not available. (A bare string here would be drawn by Streamlit's magic.)
OVERLAY_IDS: tuple[str, ...] = ()

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


@st.cache_data(show_spinner=False, max_entries=64)
def ranking(indicator: str, level: str, region: str) -> pd.DataFrame:
    return ranking_table(indicator, level, region)


@st.cache_data(show_spinner=False, max_entries=64)
def csv_text(indicator: str, level: str, region: str) -> str:
    return indicator_csv(indicator, level, region, source_header=True)


@st.cache_data(show_spinner=False, max_entries=256)
def profile(code: str, level: str, region: str) -> AreaProfile:
    return area_profile(code, level, region)


# ------------------------------------------------------------------------------------------------ labels


def region_label(code: str) -> str:
    table = mapkit.regions()
    row = table[table["code"] == code].iloc[0]
    if row["kind"] == "england":
        return "England"
    if row["kind"] == "ca":
        return f"{row['name']} (combined authority)"
    return f"{row['name']} (district, {str(row['group']).removeprefix('Districts: ')})"


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def level_label(level: str) -> str:
    return sentence_case(mapkit.registry().boundary(level).plural)


def indicator_label(indicator: str) -> str:
    return mapkit.registry().indicator(indicator).label


def palette_label(name: str, indicator: str) -> str:
    if name == palettes.DEFAULT:
        own = mapkit.registry().indicator(indicator).palette
        return f"Indicator's own ({palettes.PALETTES[own].label})"
    return palettes.PALETTES[name].label


def column_format(number_format: str) -> str | None:
    """A Streamlit number format close to an indicator's Python format (tables sort on the numbers)."""
    if "%}" in number_format:
        return "percent"
    if "," in number_format:
        return "localized"
    match = re.fullmatch(r"([^{}]*)\{:\.(\d)f\}([^{}]*)", number_format)
    if match:
        prefix, digits, suffix = match.groups()
        return f"{prefix}%.{digits}f{suffix.replace('%', '%%')}"
    return None


# ------------------------------------------------------------------------------------------------ view state


def seed_widgets(view: state.ViewState) -> None:
    for field, key in WIDGETS.items():
        st.session_state[key] = getattr(view, field)


def on_theme_change() -> None:
    """A new theme selects its first indicator available at the current level."""
    level = st.session_state[WIDGETS["level"]]
    theme = st.session_state["w_theme"]
    for indicator in state.indicators_for(level):
        if mapkit.registry().indicator(indicator).theme == theme:
            st.session_state[WIDGETS["indicator"]] = indicator
            return


def ensure_option(key: str, options: list[Any], fallback: Any) -> None:
    """Keep a widget's value among its options (options change with region, level and indicator)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = fallback if fallback in options else options[0]


def sidebar(previous: state.ViewState) -> state.ViewState:
    """Draw the controls and return the view they describe."""
    registry = mapkit.registry()
    sb = st.sidebar
    sb.header("What to map")
    region_codes = list(mapkit.regions()["code"])
    region = sb.selectbox("Region", region_codes, key=WIDGETS["region"], format_func=region_label,
                          help="England, a combined authority or a district. Type to search by name.")
    levels = list(state.levels_for(region))
    ensure_option(WIDGETS["level"], levels, state.DEFAULT.level)
    level = sb.radio("Areas", levels, key=WIDGETS["level"], format_func=level_label, horizontal=True,
                     help="LSOAs (neighbourhoods of about 1,500 people) are offered for a combined authority "
                          "or a district.")
    if region == mapkit.ENGLAND:
        sb.caption("Choose a combined authority or a district to map LSOAs.")

    available = state.indicators_for(level)
    ensure_option(WIDGETS["indicator"], available, state.default_indicator(level))
    themes = list(dict.fromkeys(registry.indicator(i).theme for i in available))
    st.session_state["w_theme"] = registry.indicator(st.session_state[WIDGETS["indicator"]]).theme
    theme = sb.selectbox("Theme", themes, key="w_theme", on_change=on_theme_change)
    in_theme = [i for i in available if registry.indicator(i).theme == theme]
    indicator = sb.selectbox("Indicator", in_theme, key=WIDGETS["indicator"], format_func=indicator_label)
    spec = registry.indicator(indicator)
    source = registry.sources[spec.source]
    sb.caption(spec.description)
    sb.caption(f"**Unit:** {spec.unit} · **Period:** {spec.period}  \n**Source:** {source.publisher}, "
               f"{source.title} ({source.licence})")
    if spec.note_for(level):
        sb.caption(f"**Note for {registry.boundary(level).plural}:** {spec.note_for(level)}")
    missing = [s for s in registry.indicators.values() if level not in s.levels]
    if missing:
        with sb.expander(f"Not available for {registry.boundary(level).plural} ({len(missing)})"):
            for other in missing:
                reason = other.note_for(level) or f"Published for {', '.join(other.levels)} only."
                st.caption(f"**{other.label}** ({other.theme}): {reason}")

    sb.header("Classes and colours")
    schemes = classify.available_schemes(spec)
    ensure_option(WIDGETS["scheme"], schemes, "quantiles")
    scheme = sb.selectbox("Classification", schemes, key=WIDGETS["scheme"],
                          format_func=lambda s: classify.SCHEMES[s].label)
    deciles = classify.SCHEMES[scheme].needs_deciles
    k = sb.slider("Number of classes", classify.K_MIN, classify.K_MAX, key=WIDGETS["k"], disabled=deciles,
                  help="Official national deciles always have ten classes." if deciles else None)
    compare = sb.radio("Class breaks", list(classify.COMPARES), key=WIDGETS["compare"],
                       format_func=lambda c: sentence_case(classify.COMPARES[c]), disabled=deciles,
                       help="Compared with England: breaks from every area of this level in England, so the "
                            "region reads against the national picture. Within this region: breaks from the "
                            "region's areas only, to show differences inside it.")
    palette_names = [palettes.DEFAULT, *palettes.PALETTES]
    palette = sb.selectbox("Palette", palette_names, key=WIDGETS["palette"],
                           format_func=lambda p: palette_label(p, indicator),
                           help="All palettes are colour-blind safe; darker always means worse. "
                                "'Greyscale for printing' survives black-and-white copies.")
    basemap = sb.radio("Basemap", list(BASEMAPS), key=WIDGETS["basemap"], format_func=lambda b: BASEMAPS[b].label)

    area = previous.area if (previous.region, previous.level) == (region, level) else None
    view, _ = state.normalise(state.ViewState(
        region=region, level=level, indicator=indicator, scheme=scheme, k=int(k), compare=compare,
        palette=palette, basemap=basemap, area=area, overlays=previous.overlays), overlay_ids=OVERLAY_IDS)
    return view


def sync_url(view: state.ViewState) -> None:
    query = state.to_query(view)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


# ------------------------------------------------------------------------------------------------ page parts


def overlay_layers(view: state.ViewState) -> list[folium.FeatureGroup]:
    """Extra layers drawn above the choropleth (the overlays of issue 4 plug in here)."""
    return []


def make_map(view: state.ViewState, frame: pd.DataFrame, classes: classify.Classification) -> MapView:
    spec = mapkit.registry().indicator(view.indicator)
    ramp = palettes.resolve(view.palette, spec.palette)
    return build_map(frame, spec, classes, ramp, level=view.level, region=view.region,
                     region_label=mapkit.region_name(view.region), basemap=view.basemap, selected=view.area,
                     extra_layers=overlay_layers(view), geometry=geometry(view.level, view.region),
                     outlines=outlines(view.level, view.region))


def clicked_code(result: Any) -> str | None:
    drawing = (result or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    return code if isinstance(code, str) else None


def rank_text(rank: Any, n: Any) -> str:
    return "" if pd.isna(rank) or pd.isna(n) else f"{int(rank):,} of {int(n):,}"


def show_profile(view: state.ViewState) -> AreaProfile | None:
    """The selected area beside the map: the mapped indicator's figures and the theme's positions."""
    if not view.area:
        st.info("Click an area on the map, or a row of the table below, to see its profile here.")
        return None
    prof = profile(view.area, view.level, view.region)
    registry = mapkit.registry()
    spec = registry.indicator(view.indicator)
    region_name = mapkit.region_name(view.region)
    plural = registry.boundary(view.level).plural
    st.subheader(prof.name)
    st.caption(f"{prof.level_label} {prof.code}" + (f" · {', '.join(prof.parents)}" if prof.parents else ""))
    table = prof.table
    row = table[table["indicator"] == view.indicator]
    if not row.empty:
        r = row.iloc[0]
        st.metric(f"{spec.label} ({spec.unit})", r["value_text"])
        lines = [f"Rank in England: **{rank_text(r['rank_england'], r['n_england']) or 'none'}**"
                 + (f" (national decile {int(r['decile'])})" if pd.notna(r["decile"]) else ""),
                 f"Rank in {region_name}: **{rank_text(r['rank_region'], r['n_region']) or 'none'}**",
                 f"Median of {region_name} {plural}: {r['region_median_text']}",
                 f"Median of England's {plural}: {r['england_median_text']}"]
        st.markdown("  \n".join(lines))
        if r["note"]:
            st.caption(r["note"])
        st.caption(f"Rank 1 = worst. {spec.period}. Source: {r['source']}.")
    theme_rows = table[table["theme"] == spec.theme].dropna(subset=["england_position"])
    if not theme_rows.empty:
        st.caption(f"**{spec.theme}**: position among England's {plural} (100 = worst, 0 = best)")
        st.bar_chart(theme_rows.set_index("label")["england_position"].rename("Position in England"),
                     horizontal=True, height=max(180, 34 * len(theme_rows)), x_label="", y_label="")
    if st.button("Close profile", key="close_profile"):
        st.session_state["view"] = dataclasses.replace(view, area=None)
        st.rerun()
    return prof


def show_profile_table(view: state.ViewState, prof: AreaProfile) -> None:
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
        st.caption("Rank 1 = worst (most deprived, or lowest where higher is better). Medians are of the areas "
                   "of this level, not totals for the region or England.")


def show_ranking(view: state.ViewState) -> None:
    spec = mapkit.registry().indicator(view.indicator)
    region_name = mapkit.region_name(view.region)
    plural = mapkit.registry().boundary(view.level).plural
    st.subheader(f"{spec.label}: {plural} of {region_name}, ranked")
    table = ranking(view.indicator, view.level, view.region)
    query = st.text_input("Search by name", key="w_search", placeholder="e.g. Aston")
    if query:
        table = table[table["name"].str.contains(query, case=False, regex=False, na=False)]
    shown = table.assign(value_text=[spec.format_value(None if pd.isna(v) else float(v)) for v in table["value"]])
    event = st.dataframe(
        shown, hide_index=True, width="stretch", height=320, key="ranking_table",
        on_select="rerun", selection_mode="single-row",
        column_order=[*(["rank_in_region"] if view.region != mapkit.ENGLAND else []), "name", "code", "value",
                      "rank_in_england", "n_england", "decile_in_england", "note"],
        column_config={
            "rank_in_region": st.column_config.NumberColumn(f"Rank in {region_name}", help="1 = worst"),
            "name": st.column_config.TextColumn("Name"),
            "code": st.column_config.TextColumn("Code"),
            "value": st.column_config.NumberColumn(f"{spec.label} ({spec.unit})",
                                                   format=column_format(spec.number_format)),
            "rank_in_england": st.column_config.NumberColumn("Rank in England", help="1 = worst"),
            "n_england": st.column_config.NumberColumn("Areas ranked in England"),
            "decile_in_england": st.column_config.NumberColumn("National decile", help="1 = worst 10%"),
            "note": st.column_config.TextColumn("Note"),
        },
    )
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    if rows:
        code = str(shown.iloc[rows[0]]["code"])
        current: state.ViewState = st.session_state["view"]
        if code != current.area and code != st.session_state.get("last_table_pick"):
            st.session_state["last_table_pick"] = code
            st.session_state["view"] = dataclasses.replace(current, area=code)
            st.rerun()
    st.download_button(
        "Download CSV (with source header)", data=csv_text(view.indicator, view.level, view.region),
        file_name=f"{view.indicator}_{view.level}_{view.region}.csv", mime="text/csv",
        help="Every area of the table, with a header naming the source, vintage and licence.")
    source = mapkit.registry().sources[spec.source]
    st.caption(f"Source: {source.publisher}, {source.title}; period {spec.period}. {source.licence}.")


def show_footer(view: state.ViewState) -> None:
    registry = mapkit.registry()
    spec = registry.indicator(view.indicator)
    lines = []
    for key in dict.fromkeys([spec.source, "ons_boundaries", "ons_lookups"]):
        source = registry.sources[key]
        lines.append(f"- **{source.publisher}**, {source.title} ({source.vintage}). {source.licence}. "
                     f"{source.attribution}")
    tiles = BASEMAPS[view.basemap]
    if tiles.provider:
        import xyzservices

        lines.append(f"- Basemap: {xyzservices.providers.query_name(tiles.provider).attribution}")
    st.divider()
    st.markdown("**Sources and licences of everything shown**\n\n" + "\n".join(lines))
    st.caption("Missing figures are shown as 'no data' with the reason; no value is estimated or filled in.")


# ------------------------------------------------------------------------------------------------ page


def main() -> None:
    if "view" not in st.session_state:
        view, notices = state.parse_query(st.query_params.to_dict(), overlay_ids=OVERLAY_IDS)
        st.session_state["view"] = view
        st.session_state["notices"] = notices
        seed_widgets(view)
    previous: state.ViewState = st.session_state["view"]
    view = sidebar(previous)
    st.session_state["view"] = view
    sync_url(view)

    st.title("England policy map")
    for notice in st.session_state.get("notices", []):
        st.info(notice, icon="ℹ️")
    if st.session_state.get("notices") and st.button("Dismiss notices"):
        st.session_state["notices"] = []
        st.rerun()

    spec = mapkit.registry().indicator(view.indicator)
    region_name = mapkit.region_name(view.region)
    plural = mapkit.registry().boundary(view.level).plural
    frame = mapkit.load_indicator(view.indicator, view.level, view.region)
    classes = classify.classify_indicator(frame, view.indicator, view.level, view.region, scheme_name=view.scheme,
                                          k=view.k, compare=view.compare, region_label=region_name)
    st.caption(f"{spec.label} ({spec.unit}, {spec.period}) for the {len(frame):,} {plural} of {region_name}. "
               f"Classes: {classify.SCHEMES[view.scheme].label}, from {classes.reference}.")

    map_column, profile_column = st.columns([5, 2], gap="medium")
    with map_column:
        view_map = make_map(view, frame, classes)
        result = st_folium(view_map.base, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
                           feature_group_to_add=list(view_map.layers), layer_control=view_map.layer_control(),
                           returned_objects=["last_active_drawing"])
        code = clicked_code(result)
        if code and code != st.session_state.get("last_click"):
            st.session_state["last_click"] = code
            if code != view.area and code in set(frame["code"]):
                st.session_state["view"] = dataclasses.replace(view, area=code)
                st.rerun()
    with profile_column:
        prof = show_profile(view)
    if prof is not None:
        show_profile_table(view, prof)
    show_ranking(view)
    show_footer(view)


st.set_page_config(page_title="England policy map", page_icon=":material/map:", layout="wide")
try:
    main()
except mapkit.MapkitError as exc:
    st.error(f"The map cannot be shown: {exc}")
