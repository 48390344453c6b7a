"""A scorecard for each growth location, zone and transport scheme: who lives in or near it, how their
neighbourhoods moved between IoD2019 and IoD2025, and how the districts it sits in grew (docs/scorecard.md).

A *scheme* is the features an overlay joins by a shared zone or line (:func:`mapkit.data.overlays.scheme_keys`): a
growth location with its zone, a line with its stops and the wards it serves, or a single station or site.

- **Who lives in or near it**, as "Who lives near" counts them: a scheme with a zone counts the residents of the
  zone's wards (:func:`mapkit.analysis.zones.zone_lsoas`); any other scheme the residents within a distance of its
  points and stops (:func:`mapkit.analysis.nearby.lsoas_within`). Each LSOA counted carries a weight (1 whole, or
  the share of its area inside); residents are Census 2021 usual residents times that weight.
- **How their neighbourhoods moved**: the shares of those residents whose LSOA moved into and out of England's most
  deprived 10% and 20% between IoD2019 and IoD2025, out of the residents of LSOAs that can be compared (the shipped
  ``imd_change_net_10pct`` and ``imd_change_net_20pct`` LSOA figures, docs/change_method.md); the same shares for
  the scheme's combined authority and England, from every one of their LSOAs.
- **Growth in the districts it sits in**: the change in ONS's GVA per hour worked, employment rate and gross
  disposable household income per head over a period, for each district holding some of its residents, beside the
  combined authority and England (:func:`mapkit.analysis.series.change`, from ONS's own cells).

Every figure describes a place, not what a scheme did to it; :func:`effect_note` says so for each scheme, and says
when a scheme is not open or opened after the latest figures, so that no figure can yet show its effect.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapkit.analysis import nearby, zones
from mapkit.analysis.series import Change, change, default_period
from mapkit.data.overlays import overlay_in_region, overlay_spec, scheme_keys
from mapkit.data.products import ENGLAND, indicator_table, load_series, region_name, regions
from mapkit.data.status_dates import status_date
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.specs.registry import overlay_declarations, registry

__all__ = [
    "DISTRICT_MIN_SHARE",
    "GROWTH_SERIES",
    "IOD2025_DATA",
    "MOVES",
    "Scheme",
    "Scorecard",
    "effect_note",
    "growth_table",
    "lsoa_table",
    "movement",
    "scheme_list",
    "scorecard",
    "scorecards",
    "scorecards_for",
    "usable_period",
]

GROWTH_SERIES = ("gva_per_hour", "employment_rate_16_64", "gdhi_per_head")
"""The ONS series a scorecard shows for the districts a scheme sits in (layers/series.toml)."""

MOVES = (
    ("into_10", "net_10", 1.0, "moved into the most deprived 10%"),
    ("out_10", "net_10", -1.0, "moved out of the most deprived 10%"),
    ("into_20", "net_20", 1.0, "moved into the most deprived 20%"),
    ("out_20", "net_20", -1.0, "moved out of the most deprived 20%"),
)
"""Each movement measure: its key, the LSOA figure it reads, the value that counts (+1 in, -1 out), its words."""

IOD2025_DATA = "IoD2025, published in October 2025, uses mostly 2022/23 data"
IOD2025_LATEST_YEAR = 2023
"""The latest year of the data behind IoD2025's domains (mostly 2022/23; docs/similar_areas.md)."""

DISTRICT_MIN_SHARE = 0.01
"""A district counts as one a scheme sits in when it holds at least this share of the scheme's residents (a 1 km
buffer that grazes a neighbouring district is not "in" it); the others are named in :attr:`Scorecard.districts`."""

OPEN = "open"
NET_INDICATORS = {"net_10": "imd_change_net_10pct", "net_20": "imd_change_net_20pct"}


@dataclasses.dataclass(frozen=True, eq=False)
class Scheme:
    """One scheme of an overlay: the features that make it up and what they say about it.

    Attributes
    ----------
    id
        The scheme's key (its zone id, else its line id, else the feature's id).
    features
        Its features (EPSG:4326): points, schematic lines and zones.
    categories
        The status categories of its features, most advanced first (a line can be part open, part planned).
    status_text, status_date
        The research's own status and status-date texts, of its zone or line (joined with " | " where they differ).
    """

    id: str
    name: str
    overlay: str
    group: str
    kind: str
    categories: tuple[str, ...]
    status_text: str
    status_date: str
    ca_code: str | None
    features: gpd.GeoDataFrame

    @property
    def zone(self) -> gpd.GeoDataFrame:
        """Its zone features (the dissolved wards it covers or serves); empty when it has none."""
        if "zone" not in self.features.columns:
            return self.features.iloc[0:0]
        return self.features[self.features["zone"].eq(True)]

    @property
    def approximate(self) -> bool:
        """Whether its zone's ward list only approximates the area (``ward_codes_approximate``)."""
        zone = self.zone
        return bool(len(zone)) and bool(zone.get("ward_codes_approximate", pd.Series(False)).eq(True).any())

    @property
    def status_label(self) -> str:
        """"Open", or "Open; under construction" for a scheme with parts at different stages."""
        labels = overlay_declarations().status.labels
        words = [labels.get(c, c) for c in self.categories]
        return "; ".join([words[0], *[w.lower() for w in words[1:]]]) if words else ""

    @property
    def opened_by(self) -> tuple[dt.date, str] | None:
        """The earliest date by which some part is recorded as open, with its status-date text; ``None`` when no
        part is open or no open part has a date."""
        rows = self.features[self.features["status_category"] == OPEN]
        dated = [(d, str(t)) for t in rows.get("status_date", []) if (d := status_date(t)) is not None]
        return min(dated) if dated else None


def _texts(values: Iterable[object]) -> str:
    """Unique non-empty texts, split at " | " and joined again, in first-seen order."""
    seen: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        for part in value.split(" | "):
            part = part.strip()
            if part and part not in seen:
                seen.append(part)
    return " | ".join(seen)


def _representatives(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The features that speak for a scheme: its zone, else its schematic lines, else all of them."""
    zone = features["zone"].eq(True) if "zone" in features.columns else pd.Series(False, index=features.index)
    if zone.any():
        return features[zone]
    lines = features.geom_type.isin(["LineString", "MultiLineString"])
    return features[lines] if lines.any() else features


def _scheme_name(rep: gpd.GeoDataFrame) -> str:
    """A zone's name without ": wards served"; a line's name before its first colon; else the feature's name."""
    names = [str(n) for n in rep["name"]]
    first = names[0]
    if "zone" in rep.columns and rep["zone"].eq(True).any():
        return first.removesuffix(": wards served")
    if rep.geom_type.isin(["LineString", "MultiLineString"]).all():
        heads = {n.partition(":")[0].strip() for n in names}
        if len(heads) == 1 and ":" in first:
            return heads.pop()
    return first


def scheme_list(frame: gpd.GeoDataFrame, overlay: str) -> list[Scheme]:
    """The schemes of one overlay's features (as :func:`mapkit.data.overlays.overlay_in_region` gives them), in
    name order."""
    if frame.empty:
        return []
    spec = overlay_spec(overlay)
    declarations = overlay_declarations()
    order = {c: i for i, c in enumerate(declarations.status.order)}
    keys = scheme_keys(frame)
    out = []
    for key, members in frame.groupby(keys.to_numpy(), sort=False):
        rep = _representatives(members)
        categories = sorted({str(c) for c in members["status_category"].fillna(declarations.status.fallback)},
                            key=lambda c: order.get(c, len(order)))
        cas = [c for c in members.get("ca_code", pd.Series(dtype=object)) if isinstance(c, str) and c]
        # A line's kind is its stops' ("Metro stop"), not the drawing's ("Schematic line ...").
        subtypes = [s for s in members["subtype"] if s != "line"] or list(rep["subtype"])
        kinds = _texts(declarations.subtype_label(str(s)) for s in subtypes)
        out.append(Scheme(id=str(key), name=_scheme_name(rep), overlay=spec.id, group=spec.label,
                          kind=kinds.replace(" | ", "; "), categories=tuple(categories),
                          status_text=_texts(rep["status"]), status_date=_texts(rep.get("status_date", [])),
                          ca_code=cas[0] if cas else None, features=members))
    return sorted(out, key=lambda s: (s.name.casefold(), s.id))


@lru_cache(maxsize=1)
def lsoa_table() -> gpd.GeoDataFrame:
    """Every LSOA (BNG) as :func:`mapkit.analysis.nearby.lsoa_population` has it, with ``net_10`` and ``net_20``:
    +1 moved into England's most deprived 10% (20%) between IoD2019 and IoD2025, -1 moved out, 0 neither, missing
    where the LSOA cannot be compared (the shipped LSOA movement figures)."""
    frame = nearby.lsoa_population().copy()
    for column, indicator in NET_INDICATORS.items():
        values = indicator_table(indicator, "lsoa").set_index("code")["value"]
        frame[column] = frame["code"].map(values).astype(float)
    return frame


def _lookup(lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Each LSOA's district, CA and movement, indexed by code (for England's table, made once)."""
    if lsoas is lsoa_table():
        return _england_lookup()
    return _lookup_of(lsoas)


def _lookup_of(lsoas: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: lsoas[c].to_numpy() for c in ("lad_code", "ca_code", "net_10", "net_20")},
                        index=pd.Index(lsoas["code"].to_numpy()))


@lru_cache(maxsize=1)
def _england_lookup() -> pd.DataFrame:
    return _lookup_of(lsoa_table())


def _is_list(value: object) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _members(scheme: Scheme, distance_km: float, lsoas: gpd.GeoDataFrame) -> tuple[pd.DataFrame, str]:
    """The LSOAs counted for a scheme with their weights, and how they were counted (in words)."""
    zone = scheme.zone
    if len(zone):
        codes = sorted({str(c) for listed in zone["ward_codes"] if _is_list(listed) for c in listed})
        shape = shapely.union_all(zone.geometry.to_numpy())
        members = zones.zone_lsoas(shape, codes, crs=str(zone.crs or "EPSG:4326"), lsoas=lsoas)
        counted = f"in its {len(codes)} ward{'s' if len(codes) != 1 else ''}"
        if scheme.approximate:
            counted += " (approximate list)"
    else:
        area = nearby.catchment_area(scheme.features, distance_km=distance_km)
        members = nearby.lsoas_within(area, lsoas)
        places = {tuple(xy) for xy in shapely.get_coordinates(scheme.features.geometry.to_numpy())}
        counted = f"within {distance_km:g} km" + (f" of its {len(places)} stops and sites" if len(places) > 1 else "")
    extra = _lookup(lsoas).reindex(members["code"].to_numpy())
    for column in extra.columns:
        members[column] = extra[column].to_numpy()
    members["residents"] = members["population"].to_numpy(dtype=float) * members["weight"].to_numpy(dtype=float)
    return members, counted


def movement(members: pd.DataFrame) -> dict[str, float]:
    """Residents of the LSOAs in ``members`` (``residents``, ``net_10``, ``net_20``) and how their LSOAs moved.

    Returns
    -------
    dict
        ``residents``, ``compared`` and ``not_compared`` (residents of LSOAs that can and cannot be compared on
        deciles), then for each of :data:`MOVES` the residents (``into_10``, ...) and their share of the compared
        residents (``into_10_share``, ...; missing when none can be compared).
    """
    residents = members["residents"].to_numpy(dtype=float)
    comparable = members["net_10"].notna().to_numpy()
    compared = float(residents[comparable].sum())
    out = {"residents": float(residents.sum()), "compared": compared,
           "not_compared": float(residents[~comparable].sum())}
    for key, column, value, _ in MOVES:
        moved = float(residents[(members[column] == value).to_numpy()].sum())
        out[key] = moved
        out[f"{key}_share"] = moved / compared if compared > 0 else float("nan")
    return out


@lru_cache(maxsize=64)
def _area_movement(ca_code: str | None) -> dict[str, float]:
    """:func:`movement` of every LSOA of a combined authority, or of England (``None``), counted whole."""
    frame = lsoa_table()
    rows = frame if ca_code is None else frame[frame["ca_code"] == ca_code]
    return movement(pd.DataFrame({"residents": rows["population"].to_numpy(dtype=float),
                                  "net_10": rows["net_10"].to_numpy(), "net_20": rows["net_20"].to_numpy()}))


@lru_cache(maxsize=64)
def _area_deciles(ca_code: str | None) -> np.ndarray:
    """Share of residents by IoD2025 national decile in a combined authority, or England (``None``), as
    :func:`mapkit.analysis.zones.comparison` counts them."""
    frame = lsoa_table()
    rows = frame if ca_code is None else frame[frame["ca_code"] == ca_code]
    return zones.residents_by_decile(rows)["share"].to_numpy()


@lru_cache(maxsize=32)
def _change(series_id: str, level: str, start: int, end: int) -> Change:
    return change(series_id, level, start, end)


def growth_period(series_id: str, period: tuple[int, int] | None) -> tuple[int, int]:
    """The change period for a series: ``period`` when given, else the latest ten years ONS publishes."""
    return period if period is not None else _default_period(series_id)


@lru_cache(maxsize=None)
def _default_period(series_id: str) -> tuple[int, int]:
    return default_period(series_id)


@dataclasses.dataclass(frozen=True)
class _SeriesChange:
    """One series' change over one period for every district, every CA and England, read once."""

    start: int
    end: int
    unit: str
    lad: pd.DataFrame
    ca: pd.DataFrame
    england: dict[str, float]


@lru_cache(maxsize=32)
def _series_change(series_id: str, period: tuple[int, int] | None) -> _SeriesChange:
    start, end = growth_period(series_id, period)
    lad = _change(series_id, "lad", start, end)
    england = load_series(series_id, "england", [ENGLAND]).set_index("year")["value"]
    return _SeriesChange(start=start, end=end, unit=lad.unit, lad=lad.table.set_index("code"),
                         ca=_change(series_id, "ca", start, end).table.set_index("code"),
                         england={"start_value": _number(england.get(start)), "end_value": _number(england.get(end)),
                                  "change": lad.england_change})


def _number(value: object) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


GROWTH_COLUMNS = ["series_id", "area_code", "area_name", "area_level", "residents_share", "start", "end",
                  "start_value", "end_value", "change", "unit", "note"]


def growth_table(districts: pd.Series, ca_code: str | None, *,
                 period: tuple[int, int] | None = None) -> pd.DataFrame:
    """Change in each growth series for the districts holding a scheme's residents, its CA and England.

    Parameters
    ----------
    districts
        Share of the scheme's residents by district code (the districts it sits in).
    ca_code
        The scheme's combined authority, or ``None``.
    period
        Start and end years for every series; default :func:`growth_period` of each.

    Returns
    -------
    pandas.DataFrame
        One row per series and area: ``series_id, area_code, area_name, area_level, residents_share, start, end,
        start_value, end_value, change, unit, note`` (``change`` in percentage points for rates, else percent; gaps
        keep ONS's reason in ``note``).
    """
    names = _names()
    rows = []
    for series_id in GROWTH_SERIES:
        found = _series_change(series_id, period)
        places = [(code, "lad", float(share), found.lad) for code, share in districts.items()]
        if ca_code:
            places.append((ca_code, "ca", None, found.ca))
        for code, level, share, table in places:
            row = table.loc[code] if code in table.index else None
            missing = f"ONS publishes no {level_word(level)} series for this area." if row is None else ""
            rows.append({"series_id": series_id, "area_code": code, "area_name": names.get(code, code),
                         "area_level": level, "residents_share": share, "start": found.start, "end": found.end,
                         **{k: float("nan") if row is None else _number(row[k])
                            for k in ("start_value", "end_value", "change")},
                         "unit": found.unit, "note": missing or ("" if pd.isna(row["note"]) else str(row["note"]))})
        rows.append({"series_id": series_id, "area_code": ENGLAND, "area_name": "England", "area_level": "england",
                     "residents_share": None, "start": found.start, "end": found.end, **found.england,
                     "unit": found.unit, "note": ""})
    return pd.DataFrame(rows, columns=GROWTH_COLUMNS)


def level_word(level: str) -> str:
    return {"lad": "district", "ca": "combined authority"}.get(level, level)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return dict(zip(regions()["code"], regions()["name"]))


def effect_note(scheme: Scheme, latest_year: int) -> tuple[str, str]:
    """What the figures can say about a scheme, as ``(kind, sentence)``.

    ``kind`` is ``"not_open"``, ``"status_unclear"``, ``"opened_after_data"``, ``"open_within_data"`` or
    ``"open_undated"``. The research records when a status was noted, not always the opening date: a scheme noted as
    open after ``latest_year`` may have opened earlier, and the sentence says so. Every sentence ends by saying the
    figures describe the place, not the scheme's effect.
    """
    latest = f"the latest figures here ({IOD2025_DATA}; ONS's series end in {latest_year})"
    place = "These figures describe the place, not the scheme's effect: they are not an evaluation."
    status = f"'{scheme.status_text}'" if scheme.status_text else "no status text"
    if OPEN not in scheme.categories:
        if scheme.categories == (overlay_declarations().status.fallback,):
            return "status_unclear", (f"Status unclear ({status}): no figure here can show an effect of the "
                                      f"scheme. {place}")
        return "not_open", (f"Not open ({scheme.status_label.lower()}: {status}): no figure can show its effect "
                            f"yet. {place}")
    opened = scheme.opened_by
    head = "Open" if scheme.categories == (OPEN,) else "Partly open"
    if opened is None:
        return "open_undated", (f"{head} ({status}; no date recorded): whether it opened before {latest} is not "
                                f"known. {place}")
    day, text = opened
    if day.year > latest_year:
        return "opened_after_data", (f"{head} ({status}; status date {text}), recorded after {latest}: if it "
                                     f"opened after {latest_year}, no figure yet can show its effect. {place}")
    return "open_within_data", (f"{head} ({status}; status date {text}), within the years the figures cover. "
                                f"{place}")


@dataclasses.dataclass(frozen=True, eq=False)
class Scorecard:
    """One scheme's scorecard.

    Attributes
    ----------
    members
        The LSOAs counted: ``code, decile, population, inside, weight, residents, lad_code, ca_code, net_10,
        net_20`` (``residents`` = Census 2021 usual residents x weight).
    counted
        How residents were counted, in words: "in its 6 wards (approximate list)", "within 1 km".
    deciles
        Share of residents by IoD2025 national IMD decile: ``decile, population, share`` here, then ``ca`` and
        ``england`` shares (:func:`mapkit.analysis.zones.comparison`).
    moves
        :func:`movement` for ``scheme``, ``ca`` (when it has one) and ``england``.
    districts
        Share of the residents in each district, largest first.
    growth
        :func:`growth_table` for the districts holding at least :data:`DISTRICT_MIN_SHARE` of the residents.
    """

    scheme: Scheme
    distance_km: float | None
    counted: str
    members: pd.DataFrame
    deciles: pd.DataFrame
    moves: dict[str, dict[str, float]]
    districts: pd.Series
    growth: pd.DataFrame
    effect_kind: str
    effect: str

    @property
    def residents(self) -> float:
        return float(self.members["residents"].sum())

    @property
    def ca_name(self) -> str | None:
        return region_name(self.scheme.ca_code) if self.scheme.ca_code else None

    @property
    def small_districts(self) -> pd.Series:
        """Districts holding under :data:`DISTRICT_MIN_SHARE` of the residents: left out of the growth table."""
        return self.districts[self.districts < DISTRICT_MIN_SHARE]

    def most_deprived_share(self, scope: str = "here", deciles: Sequence[int] = (1, 2)) -> float | None:
        """Share of residents (``here``, ``ca`` or ``england``) in the given IoD2025 national deciles."""
        if scope not in self.deciles.columns or self.residents <= 0:
            return None
        return float(self.deciles.loc[self.deciles["decile"].isin(deciles), scope].sum())


def scorecard(scheme: Scheme, *, distance_km: float = nearby.DEFAULT_DISTANCE_KM,
              period: tuple[int, int] | None = None, lsoas: gpd.GeoDataFrame | None = None) -> Scorecard:
    """A scheme's scorecard (see the module's docstring for what it holds and how it is counted).

    Parameters
    ----------
    distance_km
        For a scheme without a zone: residents within this distance of its points and stops (0.5 to 5 km).
    period
        Start and end years of the growth series (default: the latest ten years ONS publishes for each).
    lsoas
        LSOAs as :func:`lsoa_table` gives them (default: every LSOA in England); the CA and England comparisons
        always use every LSOA in England.
    """
    distance = nearby.check_distance(distance_km)
    frame = lsoa_table() if lsoas is None else lsoas
    members, counted = _members(scheme, distance, frame)
    here = zones.residents_by_decile(members)
    deciles = pd.DataFrame({"decile": here["decile"], "population": here["population"], "here": here["share"]})
    if scheme.ca_code:
        deciles["ca"] = _area_deciles(scheme.ca_code)
    deciles["england"] = _area_deciles(None)
    moves = {"scheme": movement(members)}
    if scheme.ca_code:
        moves["ca"] = _area_movement(scheme.ca_code)
    moves["england"] = _area_movement(None)
    residents = members.groupby("lad_code")["residents"].sum()
    total = residents.sum()
    shares = (residents / total).sort_values(ascending=False, kind="stable") if total > 0 else residents.iloc[0:0]
    shares = shares[shares > 0]
    growth = growth_table(shares[shares >= DISTRICT_MIN_SHARE], scheme.ca_code, period=period)
    latest = int(max(growth["end"].max(), IOD2025_LATEST_YEAR)) if len(growth) else IOD2025_LATEST_YEAR
    kind, sentence = effect_note(scheme, latest)
    return Scorecard(scheme=scheme, distance_km=None if len(scheme.zone) else distance, counted=counted,
                     members=members, deciles=deciles, moves=moves, districts=shares, growth=growth,
                     effect_kind=kind, effect=sentence)


DEFAULT_OVERLAYS = ("growth_locations", "transport_schemes")


def scorecards(region: str = ENGLAND, *, overlays: Sequence[str] = DEFAULT_OVERLAYS,
               statuses: Iterable[str] | None = None, as_of: dt.date | None = None,
               scheme: str | None = None, distance_km: float = nearby.DEFAULT_DISTANCE_KM,
               period: tuple[int, int] | None = None) -> list[Scorecard]:
    """Scorecards for the schemes of ``overlays`` in ``region`` (every scheme, or the one whose id is ``scheme``).

    Raises
    ------
    UnknownNameError
        For an unknown region or overlay, or a scheme id that is not among the region's schemes.
    """
    nearby.check_distance(distance_km)
    frames = {o: overlay_in_region(o, region, statuses=statuses, as_of=as_of) for o in overlays}
    return scorecards_for(frames, scheme=scheme, distance_km=distance_km, period=period, where=region_name(region),
                          region=region)


def scorecards_for(frames: Mapping[str, gpd.GeoDataFrame], *, scheme: str | None = None,
                   distance_km: float = nearby.DEFAULT_DISTANCE_KM, period: tuple[int, int] | None = None,
                   where: str = "the overlays shown", region: str = ENGLAND) -> list[Scorecard]:
    """Scorecards for the schemes of overlay frames already chosen (e.g. a map's overlays), group by group."""
    chosen = [s for overlay, frame in frames.items() for s in scheme_list(frame, overlay)]
    if scheme is not None:
        picked = [s for s in chosen if s.id == scheme]
        if not picked:
            known = ", ".join(s.id for s in chosen[:8]) + (", ..." if len(chosen) > 8 else "")
            raise UnknownNameError(f"No scheme {scheme!r} in {where}: use one of {known or 'none'} "
                                   f"(`python -m mapkit scorecard --region {region} --list` lists them all).")
        chosen = picked
    return [scorecard(s, distance_km=distance_km, period=period) for s in chosen]


def check_period(period: tuple[int, int] | None) -> tuple[int, int] | None:
    """``period`` if every growth series publishes both years, else a :class:`ParameterError` naming the range."""
    if period is None:
        return None
    for series_id in GROWTH_SERIES:
        try:
            _change(series_id, "lad", *period)
        except ParameterError as exc:
            raise ParameterError(f"{exc} ({registry().one_series(series_id).label} is one of the scorecard's "
                                 "growth series.)") from None
    return period


def usable_period(period: tuple[int, int] | None) -> tuple[int, int] | None:
    """A view's change period when every growth series publishes both years, else ``None`` (each series' latest
    ten years): the period a map's scorecards use, in the briefing pack and the app alike."""
    if period is None:
        return None
    try:
        return check_period(tuple(period))
    except ParameterError:
        return None
