"""ONS time series as tables and CSV: one year, a change between two years, every year, and one area's series.

Every CSV names its source, the ONS release date and the period in ``#`` header lines and in its columns, and is
written through :func:`mapkit.text.csvsafe.csv_text`, so no cell can run as a spreadsheet formula.
"""

from __future__ import annotations

import pandas as pd

from mapkit.text.csvsafe import csv_text
from mapkit.data.products import load_boundaries, load_series, region_name
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.specs.registry import SeriesSpec, registry
from mapkit.analysis.series import change, series_level, year_values
from mapkit.view import region_kind


def series_of(indicator_or_series: str) -> SeriesSpec:
    """The series of an indicator id (e.g. ``gva_per_hour``) or a series id from ``layers/series.toml``."""
    reg = registry()
    if indicator_or_series in reg.series:
        return reg.series[indicator_or_series]
    if indicator_or_series in reg.indicators:
        spec = reg.series_for(indicator_or_series)
        if spec is None:
            raise ParameterError(f"{reg.indicator(indicator_or_series).label} has no ONS time series; indicators "
                                 f"with one: {', '.join(i for i in reg.indicators if reg.indicators[i].series)}.")
        return spec
    raise UnknownNameError(f"Unknown indicator or series {indicator_or_series!r}: use one of "
                           f"{', '.join(reg.series)}.")


def _header(spec: SeriesSpec, title: str) -> list[str]:
    source = registry().sources[spec.source]
    lines = [f"# {title}",
             f"# {spec.label} ({spec.unit}): {spec.subtitle}",
             f"# Source: {source.publisher}, {source.title}; ONS release {spec.release_date}"
             + ("; official statistics in development" if spec.experimental else ""),
             f"# Licence: {source.licence}. {source.attribution}"]
    if spec.revision_note:
        lines.append(f"# {spec.revision_note}")
    return [line.replace("\n", " ") + "\n" for line in lines]


def _areas(level: str, region: str) -> pd.DataFrame:
    series_level(level)
    return pd.DataFrame(load_boundaries(level, region)[["code", "name"]]).sort_values("name")


def year_table(indicator: str, level: str, region: str, year: int) -> pd.DataFrame:
    """One year of the indicator's series for the areas of ``region``: ``code, name, value, period, note, lci,
    uci, status``."""
    spec = series_of(indicator)
    values = year_values(spec.id, level, year)
    rows = load_series(spec.id, series_level(level), values["code"].tolist())
    interval = rows.loc[rows["year"] == year, ["code", "lci", "uci", "status"]]
    return (_areas(level, region).merge(values, on="code", how="left").merge(interval, on="code", how="left")
            .reset_index(drop=True))


def change_table(indicator: str, level: str, region: str, start: int, end: int) -> pd.DataFrame:
    """Change from ``start`` to ``end`` for the areas of ``region``, fastest first
    (:func:`mapkit.analysis.series.change`)."""
    spec = series_of(indicator)
    table = _areas(level, region).merge(change(spec.id, level, start, end).table, on="code", how="left")
    return table.sort_values(["change", "name"], ascending=[False, True], na_position="last").reset_index(drop=True)


def years_table(indicator: str, level: str, region: str) -> pd.DataFrame:
    """Every published year for the areas of ``region``: one row per area and period, ``code, name, period, year,
    value, lci, uci, status, note`` (gaps kept as rows without a value, with the reason), by name and period."""
    spec = series_of(indicator)
    areas = _areas(level, region)
    rows = load_series(spec.id, level, areas["code"].tolist())
    return (areas.merge(rows, on="code").drop(columns=["level", "series"]).sort_values(["name", "period"])
            .reset_index(drop=True))


def area_series_table(indicator: str, code: str) -> tuple[str, pd.DataFrame]:
    """The series of one area (England, a combined authority or a district): its level (``england``, ``ca`` or
    ``lad``) and one row per period, ``code, name, period, year, value, lci, uci, status, note``."""
    spec = series_of(indicator)
    name = region_name(code)
    level = {"england": "england", "ca": "ca", "lad": "lad"}[region_kind(code) or "england"]
    rows = load_series(spec.id, level, [code]).drop(columns=["level", "series"])
    rows.insert(1, "name", name)
    return level, rows


def year_csv(indicator: str, level: str, region: str, year: int) -> str:
    """CSV of :func:`year_table` with its source header."""
    spec = series_of(indicator)
    table = year_table(indicator, level, region, year).rename(columns={"value": f"{spec.label} ({spec.unit})"})
    return csv_text(table, header_lines=_header(spec, f"{region_name(region)}: {registry().boundary(level).plural}, "
                                                      f"{spec.label}, {year}"))


def change_csv(indicator: str, level: str, region: str, start: int, end: int) -> str:
    """CSV of :func:`change_table` with its source header; ``change`` is in the unit the header states."""
    spec = series_of(indicator)
    unit = "percentage points" if spec.change_in_points else "percent"
    table = change_table(indicator, level, region, start, end)
    table["abs_change"] = table["abs_change"].round(6)  # a difference of two published cells, without float noise
    computed = ["pct_change", "cagr", "real_pct_change", "change", "england_change", "gap"]
    table[computed] = table[computed].round(2)
    table = table.rename(columns={
        "start_value": f"{start} ({spec.unit})", "end_value": f"{end} ({spec.unit})",
        "abs_change": f"change ({spec.unit})", "pct_change": "change (%)", "cagr": "compound annual growth (%)",
        "real_pct_change": "change in real terms (%)", "change": f"headline change ({unit})",
        "england_change": f"England's change ({unit})", "gap": "gap to England (percentage points)"})
    title = f"{region_name(region)}: {registry().boundary(level).plural}, change in {spec.label}, {start} to {end}"
    return csv_text(table, header_lines=_header(spec, title))


def years_csv(indicator: str, level: str, region: str) -> str:
    """Every published year for the areas of ``region``: one row per area and year (gaps kept with the reason)."""
    spec = series_of(indicator)
    table = years_table(indicator, level, region)
    title = f"{region_name(region)}: {registry().boundary(level).plural}, {spec.label}, every year ONS publishes"
    return csv_text(table.rename(columns={"value": f"{spec.label} ({spec.unit})"}),
                    header_lines=_header(spec, title))


def area_series_csv(indicator: str, code: str) -> str:
    """The series of one area (England, a combined authority or a district), one row per period."""
    spec = series_of(indicator)
    name = region_name(code)
    rows = area_series_table(indicator, code)[1]
    return csv_text(rows.rename(columns={"value": f"{spec.label} ({spec.unit})"}),
                    header_lines=_header(spec, f"{name} ({code}): {spec.label}, every year ONS publishes"))


