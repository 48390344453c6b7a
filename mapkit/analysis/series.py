"""Change over time from the stored ONS series: a year's values, change between two years, and the gap to England.

Every figure is computed from ONS's own cells (:func:`mapkit.load_series`); nothing is stored per pair of years.
A change needs both years' published values: a gap at either end is a gap in the change, with ONS's reason.
Percentages change in percentage points; money and counts change in percent, with compound annual growth, and
"in real terms" where the series declares its chained volume twin (``real_terms`` in ``layers/series.toml``).
"""

from __future__ import annotations

import dataclasses
import math
import re

import pandas as pd

from mapkit.data.products import ENGLAND, load_series, region_kind, region_name
from mapkit.errors import ParameterError
from mapkit.data.series import years
from mapkit.specs.registry import SERIES_MAP_LEVELS, SeriesSpec, registry

def series_for(indicator_id: str) -> SeriesSpec | None:
    """The ONS time series whose latest year the indicator shows, or ``None``."""
    return registry().series_for(indicator_id)


def series_level(level: str) -> str:
    """The series level for a map level: districts and combined authorities have their own rows."""
    if level not in SERIES_MAP_LEVELS:
        raise ParameterError(f"ONS time series are published for districts and combined authorities, not {level!r}.")
    return level


def year_values(series_id: str, level: str, year: int) -> pd.DataFrame:
    """One year of a series for every area of ``level``: ``code, period, value, note``."""
    _check_year(series_id, year)
    rows = load_series(series_id, series_level(level))
    return rows.loc[rows["year"] == year, ["code", "period", "value", "note"]].reset_index(drop=True)


def _check_year(series_id: str, year: int) -> None:
    known = years(series_id)
    if year not in known:
        raise ParameterError(f"{registry().one_series(series_id).label}: ONS publishes {known[0]} to {known[-1]}, "
                             f"not {year}. Choose a year in that range.")


def parse_change(text: str) -> tuple[int, int]:
    """``"2013:2023"`` -> ``(2013, 2023)``; raises a :class:`ParameterError` that shows the form."""
    match = re.fullmatch(r"\s*(\d{4})\s*[:\-]\s*(\d{4})\s*", str(text))
    if not match:
        raise ParameterError(f"Change period {text!r} is not of the form START:END, e.g. 2013:2023.")
    start, end = int(match[1]), int(match[2])
    if start >= end:
        raise ParameterError(f"Change period {text!r}: the start year must come before the end year.")
    return start, end


GAP_UNIT = "percentage points"
"""The unit of a change's gap to England, always: a difference of two percentages (a change in points) or of two
percent changes is in percentage points, never in percent."""


@dataclasses.dataclass(frozen=True)
class Change:
    """A change table and what its headline figure means.

    Attributes
    ----------
    table
        One row per area: ``code, start_value, end_value, abs_change, pct_change, cagr, real_pct_change, change,
        england_change, gap, note``. ``change`` is the headline (points for percentages, else percent change);
        ``gap`` is ``change - england_change``.
    in_points
        True when ``change`` is in percentage points.
    """

    spec: SeriesSpec
    start: int
    end: int
    table: pd.DataFrame
    england_change: float
    in_points: bool

    @property
    def unit(self) -> str:
        """The headline change's unit, for legends and table headings."""
        return "percentage points" if self.in_points else "%"

    def describe(self, value: float | None) -> str:
        """A change as text: ``+1.2 percentage points`` or ``+12.3%``; ``no data`` for a gap."""
        if value is None or value != value:
            return "no data"
        return f"{value:+.1f} percentage points" if self.in_points else f"{value:+.1f}%"

    @property
    def gap_unit(self) -> str:
        """The unit of ``gap``: :data:`GAP_UNIT`."""
        return GAP_UNIT

    def describe_gap(self, value: float | None) -> str:
        """The gap to England as text: ``+1.2 percentage points``; ``no data`` for a gap in the data."""
        if value is None or value != value:
            return "no data"
        return f"{value:+.1f} percentage points"

    @property
    def title(self) -> str:
        """``Change in <label>, 2013 to 2023 (%)``."""
        unit = "percentage points" if self.in_points else "%"
        return f"Change in {self.spec.label.lower()}, {self.start} to {self.end} ({unit})"


def _pair(series_id: str, level: str, start: int, end: int, codes=None) -> pd.DataFrame:
    rows = load_series(series_id, level, codes)
    first = rows[rows["year"] == start].set_index("code")
    last = rows[rows["year"] == end].set_index("code")
    pair = pd.DataFrame({"start_value": first["value"], "end_value": last["value"]})
    notes = pd.Series("", index=pair.index, dtype="object")
    for year, frame in ((start, first), (end, last)):
        gap = frame["value"].isna()
        notes[gap.index[gap]] = notes[gap.index[gap]] + f"{year}: " + frame.loc[gap, "note"] + " "
    pair["note"] = notes.str.strip()
    return pair


def _measures(pair: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    out = pair.copy()
    out["abs_change"] = out["end_value"] - out["start_value"]
    out["pct_change"] = 100 * out["abs_change"] / out["start_value"]
    ratio = out["end_value"] / out["start_value"]
    out["cagr"] = 100 * (ratio.where(ratio > 0) ** (1 / (end - start)) - 1)
    return out


def change(series_id: str, level: str, start: int, end: int) -> Change:
    """Change in a series from ``start`` to ``end`` for every area of ``level`` (``"lad"`` or ``"ca"``).

    Raises
    ------
    ParameterError
        For years ONS does not publish, a start not before the end, or a level with no series.
    """
    spec = registry().one_series(series_id)
    if start >= end:
        raise ParameterError(f"Change from {start} to {end}: the start year must come before the end year.")
    _check_year(series_id, start)
    _check_year(series_id, end)
    table = _measures(_pair(series_id, series_level(level), start, end), start, end)
    england = _measures(_pair(series_id, "england", start, end, [ENGLAND]), start, end)
    if spec.real_terms:
        real = _measures(_pair(spec.real_terms, series_level(level), start, end), start, end)["pct_change"]
        table["real_pct_change"] = real
        england["real_pct_change"] = _measures(_pair(spec.real_terms, "england", start, end, [ENGLAND]), start,
                                               end)["pct_change"]
    else:
        table["real_pct_change"] = float("nan")
        england["real_pct_change"] = float("nan")
    in_points = spec.change_in_points
    headline = "abs_change" if in_points else "pct_change"
    table["change"] = table[headline]
    england_change = float(england[headline].iloc[0]) if len(england) else math.nan
    table["england_change"] = england_change
    table["gap"] = table["change"] - england_change
    table = table.reset_index()[["code", "start_value", "end_value", "abs_change", "pct_change", "cagr",
                                 "real_pct_change", "change", "england_change", "gap", "note"]]
    return Change(spec=spec, start=start, end=end, table=table, england_change=england_change, in_points=in_points)


def area_lines(series_id: str, code: str, level: str, *, ca_code: str | None = None,
               names: dict[str, str] | None = None) -> pd.DataFrame:
    """The series for one area, its combined authority (if any, and not the area itself) and England, long form
    for a line chart: ``year, period, value, area, code, note`` (gaps kept as rows with no value)."""
    names = names or {}
    parts = [load_series(series_id, series_level(level), [code])]
    if ca_code and ca_code != code:
        parts.append(load_series(series_id, "ca", [ca_code]))
    parts.append(load_series(series_id, "england", [ENGLAND]))
    frame = pd.concat(parts, ignore_index=True)
    frame["area"] = frame["code"].map(lambda c: names.get(c, "England" if c == ENGLAND else c))
    return frame[["year", "period", "value", "area", "code", "note"]]


def change_sentence(result: Change, code: str, area_name: str) -> str | None:
    """"<Label> in <area> grew N% from A to B, against M% for England" (``None`` when either figure is a gap)."""
    row = result.table.loc[result.table["code"] == code]
    if row.empty or pd.isna(row["change"].iloc[0]) or math.isnan(result.england_change):
        return None
    value = float(row["change"].iloc[0])
    verb = "rose" if result.in_points and value >= 0 else "fell" if result.in_points else (
        "grew" if value >= 0 else "fell")
    amount = f"{abs(value):.1f} percentage points" if result.in_points else f"{abs(value):.1f}%"
    unit = " percentage points" if result.in_points else "%"
    england = (f"{result.england_change:.1f}{unit}" if result.england_change >= 0 and not result.in_points else
               f"a {'rise' if result.england_change >= 0 else 'fall'} of {abs(result.england_change):.1f}{unit}")
    return (f"{result.spec.label} in {area_name} {verb} {amount} from {result.start} to {result.end}, against "
            f"{england} for England (ONS, released {result.spec.release_date}).")


def fastest_and_slowest(result: Change, codes: list[str], n: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` areas among ``codes`` whose headline change was largest and smallest (gaps left out)."""
    rows = result.table[result.table["code"].isin(codes)].dropna(subset=["change"])
    ordered = rows.sort_values(["change", "code"], ascending=[False, True])
    return ordered.head(n).reset_index(drop=True), ordered.tail(n).iloc[::-1].reset_index(drop=True)


def default_period(series_id: str, span: int = 10) -> tuple[int, int]:
    """The change period offered first: the last ``span`` years ONS publishes (or all of them, if fewer)."""
    known = years(series_id)
    end = known[-1]
    start = end - span if end - span in known else known[0]
    return start, end


def region_label(region: str) -> str:
    """How a sentence names a region: ``England``, ``the West Midlands CA``, ``Coventry``."""
    return f"the {region_name(region)} CA" if region_kind(region) == "ca" else region_name(region)


def region_sentence(indicator_id: str, region: str, period: tuple[int, int] | None = None) -> str | None:
    """The "In brief" sentence on the change in the region itself (England, a combined authority or a district)
    over ``period`` (default :func:`default_period`); ``None`` when the indicator has no series or ONS publishes no
    figure for the region in either year."""
    spec = series_for(indicator_id)
    if spec is None:
        return None
    start, end = period or default_period(spec.id)
    if region == ENGLAND:
        result = change(spec.id, "lad", start, end)
        return (f"{spec.label} in England {'rose' if result.in_points else 'grew'} "
                f"{result.describe(result.england_change).lstrip('+')} from {start} to {end} (ONS, released "
                f"{spec.release_date}).") if not math.isnan(result.england_change) else None
    return change_sentence(change(spec.id, region_kind(region), start, end), region, region_label(region))


def trend_lists(series_id: str, level: str, codes: list[str]) -> dict[str, list[float | None]]:
    """Each area's values in year order (``None`` for a gap), for a small trend line in a table."""
    rows = load_series(series_id, series_level(level), codes)
    return {code: [None if pd.isna(v) else float(v) for v in group.sort_values("period")["value"]]
            for code, group in rows.groupby("code")}
