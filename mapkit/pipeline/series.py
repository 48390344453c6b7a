"""ONS time series (``layers/series.toml``) -> ``data/series/<level>.parquet``: every published year, as published.

One row per area, series and period of the file: districts on current codes, the combined authorities and England.
Values are ONS's cells; a missing cell, a suppressed one (status ``x``) or a year with no row for the area stays a
gap with the reason in ``note``. Nothing is interpolated, summed or averaged: a combined authority's figure is the
row ONS publishes for it.
"""

from __future__ import annotations

import pandas as pd

from mapkit.data.products import ENGLAND
from mapkit.data.io import read_csv
from mapkit.specs.registry import Registry, SeriesSpec
from mapkit.pipeline.inputs import ELS_STATUS
from mapkit.pipeline.methods import CHANGED_CODES, Context

SERIES_COLUMNS = ["code", "level", "series", "period", "year", "value", "lci", "uci", "status", "note"]
SERIES_LEVELS = ("lad", "ca", "england")

_LAYOUT = {"areacd": "code", "indicator": "indicator", "period": "period", "observation": "value",
           "lci_95": "lci", "uci_95": "uci", "status": "status", "notes": "ons_note"}
_OLD_LAYOUT = {"AREACD": "code", "Indicator": "indicator", "Period": "period", "Observation": "value",
               "Lower Confidence Interval (95%)": "lci", "Upper Confidence Interval (95%)": "uci",
               "Observation Status": "status"}
"""The two layouts of Explore Local Statistics files: the long one, and the older one of ``gdp-per-head.csv``."""


def read_series_file(ctx: Context, ref: str) -> pd.DataFrame:
    """An Explore Local Statistics file in one layout (``code, indicator, period, value, lci, uci, status,
    ons_note``; text, except numbers), read once per build."""
    def load() -> pd.DataFrame:
        path = ctx.raw.path(ref)
        head = pd.read_csv(path, encoding="utf-8-sig", nrows=0).columns
        layout = _OLD_LAYOUT if "AREACD" in head else _LAYOUT
        frame = read_csv(path, layout, dtype=str).rename(columns=layout)[list(layout.values())]
        if "ons_note" not in frame:
            frame["ons_note"] = ""
        annual = frame["period"].str.fullmatch(r"\d{4}")
        frame.loc[annual, "period"] = frame.loc[annual, "period"] + "-01-01/P1Y"
        for col in ("value", "lci", "uci"):
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
        return frame.fillna({"status": "", "ons_note": ""})
    return ctx.once(("series_file", ref), load)


def _notes(rows: pd.DataFrame, noun: str) -> pd.Series:
    """Why a value is missing or flagged, in ONS's terms, followed by ONS's own note on the row."""
    note = pd.Series("", index=rows.index, dtype="object")
    for status, reason in ELS_STATUS.items():
        hit = rows["status"].eq(status)
        note[hit] = rows.loc[hit, "value"].isna().map({True: "No data: ", False: ""}) + reason + "."
    gap = rows["value"].isna() & note.eq("")
    in_file = rows["in_file"]
    note[gap & in_file] = "No data: ONS left this cell empty in the file."
    changed = rows["code"].isin(list(CHANGED_CODES))
    note[gap & ~in_file & changed] = ("No data: ONS publishes no figure for this year under this code; the council "
                                      "was created in April 2023 and earlier years sit under the districts it "
                                      "replaced.")
    note[gap & ~in_file & ~changed] = f"No data: ONS publishes no figure for this {noun} and year in this file."
    ons = rows["ons_note"].fillna("").astype(str).str.strip()
    with_ons = ons.ne("")
    note[with_ons] = (note[with_ons] + " ONS note: " + ons[with_ons] + ".").str.replace("..", ".").str.strip()
    return note


def series_rows(spec: SeriesSpec, ctx: Context) -> dict[str, pd.DataFrame]:
    """Every period of one series for each level: a full grid of areas x periods, gaps kept with their reason."""
    frame = read_series_file(ctx, spec.file)
    rows = frame[frame["indicator"] == spec.ons_indicator]
    if rows.empty:
        raise ValueError(f"no rows for {spec.ons_indicator!r}")
    periods = sorted(rows["period"].unique())
    rows = rows.replace({"code": {spec.england_code: ENGLAND}})
    areas = {"lad": (ctx.spine.lad["code"], "district"), "ca": (ctx.spine.ca["code"], "combined authority"),
             "england": (pd.Series([ENGLAND]), "country")}
    out = {}
    for level, (codes, noun) in areas.items():
        grid = pd.MultiIndex.from_product([codes.astype(str), periods], names=["code", "period"]).to_frame(index=False)
        table = grid.merge(rows.drop(columns="indicator"), on=["code", "period"], how="left", validate="1:1",
                           indicator="_merge")
        table["in_file"] = table.pop("_merge").eq("both")
        table["note"] = _notes(table.fillna({"status": "", "ons_note": ""}), noun)
        table["status"] = table["status"].fillna("")
        table["level"] = level
        table["series"] = spec.id
        table["year"] = table["period"].str[:4].astype("int64")
        out[level] = table[SERIES_COLUMNS]
    return out


def build_series(registry: Registry, ctx: Context) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every declared series per level, and a coverage report (values present / cells, first and last year)."""
    from mapkit.errors import RawDataError

    parts: dict[str, list[pd.DataFrame]] = {level: [] for level in SERIES_LEVELS}
    coverage: dict[str, dict] = {}
    for spec in registry.series.values():
        try:
            result = series_rows(spec, ctx)
        except ValueError:
            raise RawDataError(f"{ctx.raw.path(spec.file)}: no rows for indicator {spec.ons_indicator!r} (series "
                               f"{spec.id!r}). ONS may have renamed it: correct ons_indicator in layers/series.toml."
                               ) from None
        for level, table in result.items():
            parts[level].append(table)
        lad = result["lad"]
        coverage[spec.id] = {
            "years": f"{lad['year'].min()}-{lad['year'].max()}",
            **{level: f"{int(t['value'].notna().sum())}/{len(t)}" for level, t in result.items()},
        }
    tables = {level: pd.concat(frames, ignore_index=True) for level, frames in parts.items() if frames}
    return tables, coverage
