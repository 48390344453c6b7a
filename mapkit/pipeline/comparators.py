"""England and English region figures as their publishers publish them, for the compare view.

Only the files that publish such rows are read (ONS Explore Local Statistics and the ONS subnational indicators
workbook); nothing is summed or averaged here. Indicators whose publisher gives no England or region figure in the
raw inputs (IoD2025: MHCLG publishes no England score; Census 2021 tables here are Output Area sums) have no row,
and :mod:`mapkit.analysis.compare` says so on screen.
"""

from __future__ import annotations

import pandas as pd

from mapkit.specs.registry import Registry
from mapkit.pipeline.inputs import ELS_STATUS, read_workbook_sheet
from mapkit.pipeline.methods import Context, els_latest_rows

COLUMNS = ["code", "name", "kind", "indicator", "value", "note"]
ENGLAND = "E92000001"
REGION_PREFIX = "E12"


def _kind(code: str) -> str:
    return "england" if code == ENGLAND else "region"


def _els_rows(spec, ctx: Context) -> pd.DataFrame:
    rows = els_latest_rows(spec, ctx, spec.params["indicator"])
    rows = rows[(rows["code"] == ENGLAND) | rows["code"].str.startswith(REGION_PREFIX)]
    note = rows["status"].map(lambda s: ELS_STATUS.get(s, "")).fillna("")
    note = note.where(note.eq("") | rows["value"].notna(), "No data: " + note)
    return pd.DataFrame({"code": rows["code"], "name": rows["name"], "value": rows["value"],
                         "note": note.map(lambda n: f"{n}." if n else "")})


def _sheet_rows(spec, ctx: Context) -> pd.DataFrame:
    sheet, _ = ctx.once(("sheet", spec.params["sheet"], spec.params["value_column"]),
                        lambda: read_workbook_sheet(ctx.raw, spec.params["sheet"], spec.params["value_column"]))
    rows = sheet[(sheet["code"] == ENGLAND) | sheet["code"].str.startswith(REGION_PREFIX)]
    return pd.DataFrame({"code": rows["code"], "name": rows["area_name"], "value": rows["value"], "note": ""})


READERS = {"els_latest": _els_rows, "subnational": _sheet_rows, "subnational_ca_rows": _sheet_rows}
"""Methods whose source file carries published England and region rows."""


def build_comparators(registry: Registry, ctx: Context) -> pd.DataFrame:
    """Published England (``E92000001``) and region (``E12``) rows of every indicator whose source has them.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; ``kind`` is ``england`` or ``region``; ``value`` as published (missing stays
        missing, with the publisher's status in ``note``).
    """
    frames = []
    for spec in registry.indicators.values():
        reader = READERS.get(spec.method)
        if reader is None:
            continue
        rows = reader(spec, ctx)
        frames.append(rows.assign(indicator=spec.id, kind=rows["code"].map(_kind)))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)[COLUMNS]
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    return out.sort_values(["indicator", "kind", "code"], ignore_index=True)
