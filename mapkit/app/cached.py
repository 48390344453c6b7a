"""Everything the page computes from its inputs alone, cached for every session of this server process.

``st.cache_resource`` holds shared, read-only objects (overlay frames, the folder of the map's files);
``st.cache_data`` holds copies (tables, text). The areas' geometry has one cache, the library's own
(:func:`mapkit.web.encode.area_geometry`). A user's own upload is never cached here: see :mod:`mapkit.app.upload`.
"""

from __future__ import annotations

import threading

import geopandas as gpd
import pandas as pd
import streamlit as st

import mapkit
from mapkit import workers
from mapkit.analysis import nearby, scorecard, search, similar, zones
from mapkit.analysis import series as time_series
from mapkit.analysis.compare import Comparison
from mapkit.analysis.compare import compare as compare_areas
from mapkit.analysis.map_data import MapData, prepare
from mapkit.analysis.own_area import OwnAreaProfile, own_area_profile, with_own_area
from mapkit.analysis.profile import AreaProfile, area_profile
from mapkit.analysis.scorecard import Scorecard
from mapkit.analysis.tables import ranked_rows, ranking_table
from mapkit.data import overlays, own_areas, status_dates
from mapkit.data.series import years as series_years_of
from mapkit.specs.registry import overlay_specs
from mapkit.view import View
from mapkit.web.assets import REPO_ROOT
from mapkit.web.geometry_files import StaticFiles


@st.cache_resource(show_spinner=False)
def static_files() -> StaticFiles | None:
    """The folder Streamlit serves at ``app/static/`` (static serving on in .streamlit/config.toml), where maps
    publish their geometry and runtime once for every session of the process; ``None`` without static serving (the
    map then sends them inline)."""
    if not st.get_option("server.enableStaticServing"):
        return None
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return StaticFiles(REPO_ROOT / "static", f"/{base}/app/static/" if base else "/app/static/")


def own_figures(data: MapData) -> MapData | None:
    """``data`` when it shows its indicator's own figures (not a year or a change of its series), so that the
    parts keyed by indicator, level and region can use it instead of loading the figures again."""
    return None if data.view.over_time else data


@st.cache_data(show_spinner=False, max_entries=64)
def ranking(indicator: str, level: str, region: str, _data: MapData | None = None) -> pd.DataFrame:
    """The ranked table; from ``_data`` (:func:`own_figures` of this indicator, level and region) when given."""
    if _data is not None:
        return ranked_rows(_data.frame, _data.spec)
    return ranking_table(indicator, level, region)


@st.cache_data(show_spinner=False, max_entries=64)
def table_file(kind: str, args: tuple, fmt: str) -> bytes:
    """A tidy table (:data:`mapkit.export.tidy.TABLES`) as the bytes of one file: ``fmt`` "csv" or "xlsx"."""
    from mapkit.export.tidy import build
    from mapkit.export.tidy_files import table_files

    (content,) = table_files(build(kind, *args), fmt).values()
    return content


@st.cache_data(show_spinner=False, max_entries=256)
def profile(code: str, level: str, region: str) -> AreaProfile:
    return area_profile(code, level, region)


@st.cache_data(show_spinner=False, max_entries=128)
def in_brief(indicator: str, level: str, region: str, _data: MapData | None = None) -> list[str]:
    """The briefing pack's plain-English sentences for the areas on the map (each from computed values): from the
    map's own prepared data ``_data`` (:func:`own_figures`) when given, else prepared here. They read the figures,
    not the classes, so any view of the indicator gives the same."""
    from mapkit.export import summarise

    try:
        return summarise(_data if _data is not None else prepare(View(region=region, level=level, indicator=indicator)))
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
def zone_wards(codes: tuple[str, ...], indicator: str) -> pd.DataFrame:
    """A zone's wards in rank order on an indicator, with their figures."""
    return zones.zone_wards(codes, indicator)


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


@st.cache_data(show_spinner=False, max_entries=64)
def scheme_options(overlay_ids: tuple[str, ...], region: str, statuses: tuple[str, ...] | None,
                   as_of: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """The schemes of the overlays shown, ``"<overlay>:<scheme id>"`` -> label, and each feature's scheme, keyed as
    the "Who lives near" picker keys features (``"<overlay>:<feature id>"``)."""
    labels: dict[str, str] = {}
    of_feature: dict[str, str] = {}
    for overlay_id in overlay_ids:
        frame = overlay_frame(overlay_id, region, statuses, as_of)
        for found in scorecard.scheme_list(frame, overlay_id):
            key = f"{overlay_id}:{found.id}"
            labels[key] = f"{found.name} ({found.group.lower()}; {found.status_label.lower()})"
            of_feature.update({f"{overlay_id}:{feature}": key for feature in found.features["id"]})
    return labels, of_feature


@st.cache_data(show_spinner=False, max_entries=128)
def scheme_scorecard(overlay_id: str, region: str, statuses: tuple[str, ...] | None, as_of: str | None,
                     scheme_id: str, distance_km: float, period: tuple[int, int] | None) -> Scorecard:
    """One scheme's scorecard (:mod:`mapkit.analysis.scorecard`)."""
    frame = overlay_frame(overlay_id, region, statuses, as_of)
    (card,) = scorecard.scorecards_for({overlay_id: frame}, scheme=scheme_id, distance_km=distance_km,
                                       period=period, where=mapkit.region_name(region), region=region)
    return card


@st.cache_data(show_spinner="Searching...", max_entries=256)
def search_text(text: str) -> search.SearchResult:
    return search.search(text)


@st.cache_data(show_spinner=False, max_entries=64)
def series_years(series_id: str) -> list[int]:
    return series_years_of(series_id)


@st.cache_data(show_spinner=False, max_entries=128)
def region_trend(indicator: str, region: str, period: tuple[int, int] | None) -> str | None:
    """The "In brief" sentence on the region's own change (computed from ONS's series)."""
    try:
        return time_series.region_sentence(indicator, region, period)
    except mapkit.MapkitError:
        return None


@st.cache_data(show_spinner=False, max_entries=64)
def trends(series_id: str, level: str, codes: tuple[str, ...]) -> dict[str, list[float | None]]:
    return time_series.trend_lists(series_id, level, list(codes))


@st.cache_data(show_spinner=False, max_entries=256)
def area_trend(series_id: str, code: str, level: str, ca_code: str | None) -> pd.DataFrame:
    names = {code: mapkit.region_name(code)}  # a series' areas are districts and CAs, which have region names
    if ca_code:
        names[ca_code] = f"{mapkit.region_name(ca_code)} CA"
    return time_series.area_lines(series_id, code, level, ca_code=ca_code, names=names)


@st.cache_data(show_spinner=False, max_entries=64)
def comparison(codes: tuple[str, ...], level: str, theme: str | None) -> Comparison:
    return compare_areas(codes, level, theme)


@st.cache_data(show_spinner=False, max_entries=256)
def similar_table(code: str, level: str) -> pd.DataFrame:
    return similar.similar_areas(code, level)


@st.cache_resource(show_spinner=False)
def area_labels(level: str) -> dict[str, str]:
    """Every area of a level in England by code, labelled for a picker with its parent (wards share names)."""
    frame = mapkit.load_boundaries(level)
    parent = {"ward": "lad_name", "lad": "rgn_name"}.get(level)
    if parent is None:
        return dict(zip(frame["code"], frame["name"].astype(str)))
    return {c: f"{n} ({p})" for c, n, p in zip(frame["code"], frame["name"], frame[parent])}


@st.cache_resource(show_spinner=False)
def upload_workers() -> workers.Pool:
    """This server's pool of upload workers (:mod:`mapkit.workers`), its launcher started in the background on the
    first call (the page's first run), so that the first upload does not wait for it to load."""
    pool = workers.default_pool()
    threading.Thread(target=_start_quietly, args=(pool,), name="mapkit-workers-start", daemon=True).start()
    return pool


def _start_quietly(pool: workers.Pool) -> None:
    try:
        pool.start()
    except (OSError, EOFError):  # the first upload starts it again, and says so if it cannot
        pass


@st.cache_data(show_spinner="Measuring your area...", max_entries=32)
def own_profile(token: str, name: str | None) -> OwnAreaProfile:
    """The profile of an own area by its link token (the same token, the same figures, for every session)."""
    return own_area_profile(own_areas.from_token(token, name=name or own_areas.DEFAULT_NAME))


@st.cache_data(show_spinner=False, max_entries=32)
def own_comparison(codes: tuple[str, ...], level: str, theme: str | None, token: str, name: str | None) -> Comparison:
    """A comparison with the own area's row under each indicator's compared areas."""
    return with_own_area(comparison(codes, level, theme), own_profile(token, name))
