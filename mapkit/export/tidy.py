"""Tidy tables: the one schema of every table the command line, the app's downloads, the compare view, the briefing
pack and the static API write.

Every table starts with the same :data:`CORE` columns, ``area_code, area_name, area_level, indicator_id,
indicator, period, value, unit``, then what it adds, in :data:`COLUMNS` order (ranks, counts, interval, status,
note, change measures, ``source``); one row per area and period (and per indicator, where a table holds several).
Column names never carry a label or a unit: those are cells (``indicator``, ``unit``) and metadata. Values are
written with the decimal places their publisher gives them (:func:`decimals`). What a table is, its sources,
licence, release, method and caveats travel beside the data, never inside it: a :class:`TidyTable` carries them
to the writers in :mod:`mapkit.export.tidy_files` (CSV, CSVW metadata, XLSX with an "About" sheet).

Changes to the schema are versioned (:data:`SCHEMA_VERSION`, README "Tables: one schema").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from mapkit.analysis import series_tables
from mapkit.analysis.compare import Comparison
from mapkit.analysis.map_data import MapData
from mapkit.analysis.series import series_level
from mapkit.analysis.similar import FEATURES, KEY_FIGURES, similar_areas
from mapkit.analysis.tables import ranking_table
from mapkit.data.products import ENGLAND, load_boundaries, region_name
from mapkit.data.series import written_decimals
from mapkit.specs.registry import IndicatorSpec, SeriesSpec, registry
from mapkit.text.ranks import rank_rule
from mapkit.text.wording import series_notes
from mapkit.view import View

SCHEMA_VERSION = "1.0.0"
"""Major: a core column renamed or removed; minor: a column added; patch: wording of the metadata."""
CORE = ("area_code", "area_name", "area_level", "indicator_id", "indicator", "period", "value", "unit")
COUNT_DECIMALS = 2
"""Places of ``numerator`` and ``denominator``: counts are whole; a population weight derived from MHCLG's files
(an LSOA's File 8 numerator over its File 7 rate) is not, and 2 places keep it to the hundredth of a person."""
AREA_LEVELS = {"lsoa": "LSOA 2021", "ward": "ward (May 2024)", "lad": "local authority district (2024)",
               "ca": "combined authority (May 2025)", "rgn": "English region", "england": "England",
               "scheme": "a growth location or transport scheme drawn on the map (no ONS code)"}
"""``area_level`` codes and what they mean."""


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of the schema: its name (the CSV heading), CSVW datatype and what it holds."""

    name: str
    datatype: str
    description: str


COLUMNS: dict[str, Column] = {c.name: c for c in (
    Column("area_code", "string", "ONS code of the area (E92000001 England, E12 region, E47 combined authority, "
                                  "E06-E09 district, E05 ward, E01 LSOA)."),
    Column("area_name", "string", "Name of the area, as in the ONS boundary files."),
    Column("area_level", "string", "Kind of area: " + "; ".join(f"{k} = {v}" for k, v in AREA_LEVELS.items())
           + "."),
    Column("indicator_id", "string", "Stable id of the indicator or ONS series (`python -m mapkit indicators`)."),
    Column("indicator", "string", "What the value measures, as the map labels it."),
    Column("period", "string", "The period the value refers to: the edition (IoD2025, Census 2021) or ONS's "
                               "period (ISO 8601, e.g. 2023-01-01/P1Y for the year 2023)."),
    Column("value", "number", "The figure, in `unit`, with the decimal places its publisher gives; empty where "
                              "there is none (the reason is in `note`)."),
    Column("unit", "string", "Unit of `value` (percentages are 0-100)."),
    Column("comparison_row", "string", "In a comparison: area (a compared area), combined authority, region or "
                                       "England (figures to read them against), or England median (the middle "
                                       "value of England's areas of the level, not a figure for England)."),
    Column("year", "integer", "Calendar year of `period` (ONS series)."),
    Column("rank_in_england", "integer", "Rank among England's areas of the level: the publisher's rank where it "
                                         "ranks (MHCLG's File 10 and LSOA ranks). What rank 1 is (most deprived, "
                                         "highest or lowest) is in the table's notes."),
    Column("areas_ranked_in_england", "integer", "How many of England's areas of the level are ranked."),
    Column("decile_in_england", "integer", "National decile among England's areas of the level; decile 1 is the "
                                           "same end as rank 1."),
    Column("rank_in_region", "integer", "Rank within the region of the table, in the order of `rank_in_england` "
                                        "where the publisher ranks; rank 1 is the same end as in England."),
    Column("versus_indicator_id", "string", "Bivariate map: the second measure's indicator id."),
    Column("versus_indicator", "string", "Bivariate map: what the second measure is."),
    Column("versus_period", "string", "Bivariate map: the second measure's period."),
    Column("versus_value", "number", "Bivariate map: the second measure's figure, in `versus_unit`."),
    Column("versus_unit", "string", "Bivariate map: unit of `versus_value`."),
    Column("versus_rank_in_region", "integer", "Bivariate map: the second measure's rank in the region."),
    Column("bivariate_class", "string", "Bivariate map: the area's cell as x-y, each 1-3 (1 = the lowest third of "
                                        "that measure's values)."),
    Column("bivariate_cell", "string", "Bivariate map: the area's cell in words."),
    Column("tertiles_of", "string", "Bivariate map: the areas the thirds were cut from."),
    Column("numerator", "number", "Count the value is made from (Census: people or households in the category; "
                                  "IoD shares: LSOAs or people counted)."),
    Column("denominator", "number", "What the value is a share or an average of (Census: all people or households; "
                                    "IoD shares: all LSOAs; IoD averages: the area's total population weight, the "
                                    "mid-2022 populations derived from MHCLG's File 7 and File 8, to 2 places)."),
    Column("lci", "number", "Lower bound of ONS's 95% confidence interval."),
    Column("uci", "number", "Upper bound of ONS's 95% confidence interval."),
    Column("status", "string", "ONS's status of the figure (e.g. provisional)."),
    Column("note", "string", "Why a figure is missing, or how it differs (as the publisher or the method says)."),
    Column("start_period", "string", "First period of a change."),
    Column("end_period", "string", "Last period of a change."),
    Column("start_value", "number", "The figure in the first period, in the series' unit (see the metadata)."),
    Column("end_value", "number", "The figure in the last period, in the series' unit (see the metadata)."),
    Column("abs_change", "number", "end_value - start_value, in the series' unit."),
    Column("pct_change", "number", "Change as a percentage of start_value (%)."),
    Column("cagr", "number", "Compound annual growth rate over the period (%)."),
    Column("real_pct_change", "number", "Change in real terms, from ONS's chained volume series (%)."),
    Column("england_change", "number", "England's change over the same period, in `unit`."),
    Column("gap_to_england", "number", "value - england_change, in percentage points (a difference of two "
                                       "percentages, or of two percent changes)."),
    Column("similar_to", "string", "Code of the area the similar areas are similar to."),
    Column("similarity_rank", "integer", "1 = the most similar area."),
    Column("distance", "number", "Euclidean distance between the areas' standardised figures (0 = identical)."),
    Column("similarity", "number", "100 / (1 + distance): 100 = identical on every figure the method uses."),
    Column("parent_name", "string", "The district of a ward, the region of a district."),
    Column("scheme_group", "string", "The overlay a scheme is drawn in (growth locations, transport schemes)."),
    Column("scheme_type", "string", "What kind of scheme it is."),
    Column("scheme_status", "string", "The scheme's status, in the map's categories."),
    Column("status_text", "string", "The status as its source words it."),
    Column("status_date", "string", "When the status was recorded (YYYY-MM-DD), empty where the source gives none."),
    Column("stale", "string", "yes: the status date is over a year before the table's as-of date."),
    Column("counted", "string", "Whose residents are counted: within a distance of a point, or in a zone's wards."),
    Column("status_source", "string", "Where the scheme and its status are published."),
    Column("source_url", "string", "Address of `status_source`."),
    Column("source", "string", "Publisher and dataset of `value`."),
    Column("versus_source", "string", "Bivariate map: publisher and dataset of `versus_value`."),
)}
"""Every column a tidy table may hold, in the order tables list them (core columns first)."""


@dataclasses.dataclass(frozen=True)
class Source:
    """A publisher's dataset as a table's metadata names it."""

    publisher: str
    title: str
    vintage: str
    licence: str
    attribution: str
    urls: tuple[str, ...] = ()

    @classmethod
    def of(cls, key: str, *, release: str = "") -> Source:
        """The source declared as ``key`` in ``layers/sources.toml``; ``release`` replaces its vintage (an ONS
        series' release date)."""
        spec = registry().sources[key]
        urls = tuple(dict.fromkeys(f.url for f in spec.files.values()))
        return cls(spec.publisher, spec.title, release or spec.vintage, spec.licence, spec.attribution, urls)

    def line(self) -> str:
        """The source in one line: publisher, title, vintage, licence and attribution."""
        return f"{self.publisher}, {self.title} ({self.vintage}). {self.licence}. {self.attribution}"


@dataclasses.dataclass(frozen=True, eq=False)
class TidyTable:
    """A tidy frame and what must travel with it.

    Attributes
    ----------
    name
        File stem, e.g. ``imd_score_lad_E47000007``.
    title, description
        What the table is, in a line and in a paragraph.
    frame
        The data: :data:`CORE` columns, then others of :data:`COLUMNS`.
    sources
        Every dataset the figures come from (the boundaries included).
    method
        How the figures are made, for a reader.
    caveats
        What a reader must know (ONS's notes on a series, rank conventions).
    column_notes
        Words about a column in this table only (e.g. the unit of ``start_value``).
    """

    name: str
    title: str
    description: str
    frame: pd.DataFrame
    sources: tuple[Source, ...]
    method: str = ""
    caveats: tuple[str, ...] = ()
    column_notes: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        columns = list(self.frame.columns)
        unknown = [c for c in columns if c not in COLUMNS]
        if unknown or columns[:len(CORE)] != list(CORE):
            raise ValueError(f"Not a tidy frame: columns {columns} (unknown: {unknown}); the schema is "
                             "mapkit.export.tidy.COLUMNS, core columns first.")

    def columns(self) -> list[Column]:
        """The frame's columns, each with this table's note on it appended to its description."""
        out = []
        for name in self.frame.columns:
            column = COLUMNS[name]
            note = self.column_notes.get(name)
            out.append(dataclasses.replace(column, description=f"{column.description} {note}") if note else column)
        return out


# --- values -------------------------------------------------------------------------------------------------


def decimals(indicator_or_series: str) -> int | None:
    """Decimal places a figure is written with: the indicator's declared ``decimals`` (its publisher's), or for an
    ONS series (and an indicator that is its latest year) ONS's (:func:`mapkit.data.series.written_decimals`);
    ``None`` to write it as stored."""
    reg = registry()
    if indicator_or_series in reg.series and indicator_or_series not in reg.indicators:
        return written_decimals(indicator_or_series)
    spec = reg.indicator(indicator_or_series)
    return written_decimals(spec.series) if spec.series else spec.decimals


def rounded(values: pd.Series | Iterable[float], places: int | None) -> pd.Series:
    """``values`` as numbers rounded half away from zero to ``places`` (a publisher's rounding, not Python's
    half-to-even); ``None`` leaves them as they are."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
    if places is None:
        return numbers
    scale = 10.0 ** places
    # The nudge turns 1.2349999999 (binary for 1.235) into 1.235 before rounding half away from zero.
    return np.sign(numbers) * np.floor(np.abs(numbers) * scale + 0.5 + 1e-9) / scale


def tidy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in schema order; integer columns, and number columns whose every figure is whole (counts), as
    nullable integers, so a count reads 1252 rather than 1252.0."""
    frame = frame[[c for c in COLUMNS if c in frame.columns]].reset_index(drop=True)
    for name in frame.columns:
        kind = COLUMNS[name].datatype
        if kind == "number":
            numbers = pd.to_numeric(frame[name], errors="coerce").astype(float)
            whole = numbers.dropna()
            kind = "integer" if len(whole) and (whole == whole.round()).all() and whole.abs().max() < 2 ** 53 else kind
            frame[name] = numbers
        if kind == "integer":
            frame[name] = pd.to_numeric(frame[name], errors="coerce").round().astype("Int64")
        elif COLUMNS[name].datatype == "string":
            frame[name] = frame[name].astype("object").where(frame[name].notna(), "").astype(str)
    return frame


def _source_cell(key: str) -> str:
    source = registry().sources[key]
    return f"{source.publisher}, {source.title}"


def _boundaries() -> Source:
    return Source.of("ons_boundaries")




# --- tables -------------------------------------------------------------------------------------------------


def indicator_table(indicator_id: str, level: str, region: str = ENGLAND) -> TidyTable:
    """One indicator for the areas of ``level`` in ``region`` (``python -m mapkit table``, the map's CSV, the pack
    and the static API): ranks in England and in the region, decile, counts where the figure is a share, note."""
    reg = registry()
    spec = reg.indicator(indicator_id)
    table = ranking_table(indicator_id, level, region)
    frame = pd.DataFrame({
        "area_code": table["code"], "area_name": table["name"], "area_level": level, "indicator_id": spec.id,
        "indicator": spec.label, "period": spec.period, "value": rounded(table["value"], decimals(spec.id)),
        "unit": spec.unit, "rank_in_england": table["rank_in_england"],
        "areas_ranked_in_england": table["n_england"], "decile_in_england": table["decile_in_england"],
        "rank_in_region": table["rank_in_region"], "numerator": rounded(table["numerator"], COUNT_DECIMALS),
        "denominator": rounded(table["denominator"], COUNT_DECIMALS), "note": table["note"],
        "source": _source_cell(spec.source)})
    frame = frame.drop(columns=[c for c in ("numerator", "denominator") if frame[c].isna().all()])
    series = reg.series_for(spec.id)
    plural = reg.boundary(level).plural
    return TidyTable(
        name=f"{spec.id}_{level}_{region}", title=f"{region_name(region)}: {plural}, {spec.label}",
        description=spec.description, frame=tidy_frame(frame),
        sources=(Source.of(spec.source), _boundaries()), method=spec.note_for(level),
        caveats=(rank_rule(spec, plural), *(series_notes(series) if series else ())),
        column_notes={"rank_in_region": f"Region: {region_name(region)}."})


def _series_meta(spec: SeriesSpec) -> tuple[tuple[Source, ...], tuple[str, ...]]:
    return (Source.of(spec.source, release=f"ONS release {spec.release_date}"), _boundaries()), tuple(
        series_notes(spec))


def _series_frame(rows: pd.DataFrame, spec: SeriesSpec, level: str) -> pd.DataFrame:
    """ONS series rows (``code, name, period, year, value, lci, uci, status, note``) in the schema."""
    places = written_decimals(spec.id)
    return tidy_frame(pd.DataFrame({
        "area_code": rows["code"], "area_name": rows["name"], "area_level": level, "indicator_id": spec.id,
        "indicator": spec.label, "period": rows["period"], "value": rounded(rows["value"], places),
        "unit": spec.unit, "year": rows["year"], "lci": rounded(rows["lci"], places),
        "uci": rounded(rows["uci"], places), "status": rows["status"], "note": rows["note"],
        "source": _source_cell(spec.source)}))


def series_year_table(indicator: str, level: str, region: str, year: int) -> TidyTable:
    """One year of an ONS series for the areas of ``region`` (``table --year``)."""
    spec = series_tables.series_of(indicator)
    rows = series_tables.year_table(indicator, level, region, year)
    sources, caveats = _series_meta(spec)
    return TidyTable(
        name=f"{spec.id}_{level}_{region}_{year}",
        title=f"{region_name(region)}: {registry().boundary(level).plural}, {spec.label}, {year}",
        description=spec.subtitle, frame=_series_frame(rows.assign(year=year), spec, series_level(level)),
        sources=sources, caveats=caveats)


def series_years_table(indicator: str, level: str, region: str) -> TidyTable:
    """Every year ONS publishes, one row per area and year (``table --years``)."""
    spec = series_tables.series_of(indicator)
    rows = series_tables.years_table(indicator, level, region)
    sources, caveats = _series_meta(spec)
    return TidyTable(
        name=f"{spec.id}_{level}_{region}_years",
        title=f"{region_name(region)}: {registry().boundary(level).plural}, {spec.label}, every year ONS publishes",
        description=spec.subtitle, frame=_series_frame(rows, spec, series_level(level)), sources=sources,
        caveats=caveats)


def area_series_table(indicator: str, code: str) -> TidyTable:
    """One area's series, one row per period (``python -m mapkit series``)."""
    spec = series_tables.series_of(indicator)
    level, rows = series_tables.area_series_table(indicator, code)
    sources, caveats = _series_meta(spec)
    return TidyTable(
        name=f"{spec.id}_{code}", title=f"{region_name(code)} ({code}): {spec.label}, every year ONS publishes",
        description=spec.subtitle, frame=_series_frame(rows, spec, level), sources=sources, caveats=caveats)


def change_unit(spec: SeriesSpec) -> str:
    """The unit of a series' headline change: percentage points for a percentage, else percent change."""
    return "percentage points" if spec.change_in_points else "% change"


def series_change_table(indicator: str, level: str, region: str, start: int, end: int) -> TidyTable:
    """Change between two years, fastest first (``table --change``): ``value`` is the headline change (percentage
    points for a percentage, else percent change), beside both years' figures and England's change."""
    spec = series_tables.series_of(indicator)
    table = series_tables.change_table(indicator, level, region, start, end)
    places = written_decimals(spec.id)
    unit = change_unit(spec)
    periods = series_tables.years_table(indicator, level, region)
    period_of = dict(zip(periods["year"], periods["period"]))
    start_period, end_period = period_of.get(start, str(start)), period_of.get(end, str(end))
    frame = pd.DataFrame({
        "area_code": table["code"], "area_name": table["name"], "area_level": series_level(level),
        "indicator_id": spec.id, "indicator": f"Change in {spec.label}", "period": f"{start_period} to {end_period}",
        "value": rounded(table["change"], 2), "unit": unit, "note": table["note"], "start_period": start_period,
        "end_period": end_period, "start_value": rounded(table["start_value"], places),
        "end_value": rounded(table["end_value"], places),
        "abs_change": rounded(table["abs_change"], places),  # a difference of two published cells
        "pct_change": rounded(table["pct_change"], 2), "cagr": rounded(table["cagr"], 2),
        "real_pct_change": rounded(table["real_pct_change"], 2),
        "england_change": rounded(table["england_change"], 2), "gap_to_england": rounded(table["gap"], 2),
        "source": _source_cell(spec.source)})
    if not spec.real_terms:
        frame = frame.drop(columns="real_pct_change")
    sources, caveats = _series_meta(spec)
    in_unit = f"In {spec.unit}."
    return TidyTable(
        name=f"{spec.id}_{level}_{region}_{start}-{end}",
        title=f"{region_name(region)}: {registry().boundary(level).plural}, change in {spec.label}, {start} to {end}",
        description=f"{spec.subtitle}. Change from {start} to {end} in {unit}, fastest first.",
        frame=tidy_frame(frame), sources=sources,
        method=("Changes are computed from ONS's published cells: percentages change in percentage points, other "
                "figures in percent with compound annual growth; gaps are kept with the reason, nothing is "
                "interpolated."),
        caveats=caveats,
        column_notes={"start_value": in_unit, "end_value": in_unit, "abs_change": in_unit})


def view_table(view: View) -> TidyTable:
    """The table of what a map view shows: the indicator, or the chosen year or change of its ONS series."""
    if view.change is not None:
        return series_change_table(view.indicator, view.level, view.region, *view.change)
    if view.year is not None:
        return series_year_table(view.indicator, view.level, view.region, view.year)
    return indicator_table(view.indicator, view.level, view.region)


def data_table(data: MapData) -> TidyTable:
    """The table of a prepared map: :func:`view_table`, or for a bivariate map its two measures per area
    (:func:`mapkit.analysis.versus_tables.versus_table`)."""
    if data.versus is None:
        return view_table(data.view)
    from mapkit.analysis.versus_tables import versus_table

    reg = registry()
    x_spec, y_spec = data.versus.x.spec, data.versus.y.spec
    plural = reg.boundary(data.view.level).plural
    return TidyTable(
        name=f"{data.view.indicator}_versus_{data.versus.y.view.indicator}_{data.view.level}_{data.view.region}",
        title=f"{data.region_name}: {plural}, {x_spec.label} and {y_spec.label}",
        description=f"{x_spec.description} Second measure: {y_spec.description}",
        frame=tidy_frame(versus_table(data)),
        sources=(*_sources([x_spec, y_spec]), _boundaries()),
        method="Each measure is cut into thirds of the areas' values; an area's cell is its pair of thirds.",
        caveats=(rank_rule(x_spec, plural), rank_rule(y_spec, plural)))


def comparison_table(comparison: Comparison) -> TidyTable:
    """A comparison (the compare view): one row per indicator and row of the comparison (the areas, their
    combined authorities and regions, England and England's median)."""
    reg = registry()
    table = comparison.table
    levels = {"area": comparison.level, "combined authority": "ca", "region": "rgn", "england": "england",
              "england median": "england"}
    values = pd.Series(np.nan, index=table.index)
    for indicator, rows in table.groupby("indicator", sort=False):
        values[rows.index] = rounded(rows["value"], decimals(str(indicator))).to_numpy()
    frame = pd.DataFrame({
        "area_code": table["code"], "area_name": table["name"], "area_level": table["kind"].map(levels),
        "indicator_id": table["indicator"], "indicator": table["label"], "period": table["period"],
        "value": values, "unit": table["unit"], "comparison_row": table["kind"],
        "rank_in_england": table["rank_england"], "areas_ranked_in_england": table["n_england"],
        "decile_in_england": table["decile"], "note": table["note"], "source": table["source"]})
    specs = [reg.indicator(i) for i in comparison.indicators]
    plural = reg.boundary(comparison.level).plural
    series = [s for s in dict.fromkeys(reg.series_for(spec.id) for spec in specs) if s is not None]
    return TidyTable(
        name=f"compare_{comparison.level}_{'_'.join(comparison.codes)}",
        title=f"Compare {plural}: {', '.join(comparison.names)}; {comparison.theme.lower()}",
        description=(f"{len(comparison.codes)} {plural} side by side on every indicator of "
                     f"{comparison.theme.lower()} published for {plural}, with their combined authority, region "
                     "and England where the publisher publishes a figure, and the median of England's "
                     f"{plural}."),
        frame=tidy_frame(frame), sources=(*_sources(specs), _boundaries()),
        method=("Area figures, ranks and deciles are as shipped (the publisher's, or computed by the publisher's "
                "method); combined authority, region and England rows are the publisher's own figures, empty with "
                f"the reason where none is published; the England median is the middle value of England's {plural}, "
                "not a figure for England. No figure is summed, averaged or filled in."),
        caveats=(*dict.fromkeys(f"{spec.label}: {rank_rule(spec, plural)}" for spec in specs),
                 *(line for s in series for line in series_notes(s))))


def _sources(specs: Iterable[IndicatorSpec]) -> tuple[Source, ...]:
    return tuple(Source.of(key) for key in dict.fromkeys(spec.source for spec in specs))


def similar_table(code: str, level: str, n: int = 10) -> TidyTable:
    """The areas most similar to ``code`` (an area profile's list), one row per similar area and key figure
    (:data:`mapkit.analysis.similar.KEY_FIGURES`)."""
    reg = registry()
    table = similar_areas(code, level, n)
    name = str(load_boundaries(level).set_index("code").at[code, "name"])
    parts = []
    for indicator in KEY_FIGURES:
        spec = reg.indicator(indicator)
        parts.append(pd.DataFrame({
            "area_code": table["code"], "area_name": table["name"], "area_level": level, "indicator_id": spec.id,
            "indicator": spec.label, "period": spec.period, "value": rounded(table[indicator], decimals(spec.id)),
            "unit": spec.unit, "similar_to": code, "similarity_rank": table["rank"], "distance": table["distance"],
            "similarity": table["similarity"], "parent_name": table["parent"], "source": _source_cell(spec.source)}))
    frame = pd.concat(parts).sort_values(["similarity_rank", "indicator_id"], kind="stable")
    plural = reg.boundary(level).plural
    labels = ", ".join(reg.indicator(f).label for f in FEATURES)
    return TidyTable(
        name=f"similar_{code}_{level}", title=f"The {len(table)} {plural} of England most similar to {name} ({code})",
        description=f"England's {plural} most like {name}, with their IMD score and usual residents.",
        frame=tidy_frame(frame), sources=(*_sources(reg.indicator(f) for f in FEATURES), _boundaries()),
        method=(f"Each of England's {plural} is described by {labels} (usual residents as log10), each "
                f"standardised to a z-score across England's {plural}; the distance between two areas is the "
                "Euclidean distance between their z-scores, and the list is the nearest areas (ties by code). "
                "similarity = 100 / (1 + distance). Equal weights, by choice rather than estimation."),
        caveats=("Similar is not the same: the method uses ten figures and leaves out areas missing any of them.",))


def _comparison_of(codes: tuple[str, ...], level: str, theme: str | None = None) -> TidyTable:
    from mapkit.analysis.compare import compare

    return comparison_table(compare(codes, level, theme))


TABLES = {
    "indicator": indicator_table, "series_year": series_year_table, "series_change": series_change_table,
    "series_years": series_years_table, "area_series": area_series_table, "compare": _comparison_of,
    "similar": similar_table,
}
"""Every table by name, with the arguments of its builder: what a download button asks for (the app caches the
file by name, arguments and format)."""


def build(kind: str, *args: object) -> TidyTable:
    """The tidy table ``kind`` (a key of :data:`TABLES`) of ``args``."""
    return TABLES[kind](*args)  # type: ignore[operator]
