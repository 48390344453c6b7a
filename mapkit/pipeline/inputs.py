"""Readers for the indicator inputs: IoD2025 File 7, Census 2021 tables, the ONS subnational workbook and the ONS
Explore Local Statistics data files."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mapkit.pipeline.raw import RawInputs
from mapkit.errors import RawDataError
from mapkit.data.io import read_csv, require_columns

IOD_CODE = "LSOA code (2021)"
CENSUS_CODE = "geography code"


def _one_row_per_code(raw: RawInputs, ref: str, code_column: str, columns: list[str], *,
                      repeat_hint: str) -> tuple[str, pd.DataFrame]:
    """The named columns of a raw file keyed by ``code``, refusing a file whose codes repeat."""
    path = raw.path(ref)
    frame = read_csv(path, [code_column, *columns])
    frame = frame[[code_column, *columns]].rename(columns={code_column: "code"})
    if frame["code"].duplicated().any():
        raise RawDataError(f"{path}: {repeat_hint}")
    return path, frame


def read_iod(raw: RawInputs, columns: list[str]) -> pd.DataFrame:
    """IoD2025 File 7 columns for every English LSOA, checked to be complete and numeric."""
    path, frame = _one_row_per_code(raw, "iod2025.file7", IOD_CODE, columns,
                                    repeat_hint="LSOA codes repeat; use the original File 7 (one row per LSOA).")
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce")
        if values.isna().any():
            bad = frame.loc[values.isna(), "code"].head(3).tolist()
            raise RawDataError(f"{path}: column {col!r} has missing or non-numeric values (e.g. LSOAs {bad}). "
                               "File 7 publishes a value for every LSOA: download it again.")
        frame[col] = values
    return frame


def read_census(raw: RawInputs, table: str, columns: list[str]) -> pd.DataFrame:
    """A Census 2021 LSOA table: whole, non-negative counts for the named columns."""
    path = raw.path(f"census2021.{table}")
    frame = read_csv(path, [CENSUS_CODE, *columns])
    frame = frame[[CENSUS_CODE, *columns]].rename(columns={CENSUS_CODE: "code"})
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce")
        if values.isna().any() or (values < 0).any():
            raise RawDataError(f"{path}: column {col!r} must hold whole, non-negative counts; found missing, "
                               "negative or text values. Download the Nomis bulk file again.")
        frame[col] = values.astype("int64")
    return frame


def read_workbook_sheet(raw: RawInputs, sheet: str, value_column: str) -> tuple[pd.DataFrame, dict]:
    """One sheet of the subnational indicators workbook: its table under 'Area Code', and its Metric/Date cells."""
    path = raw.path("subnational.workbook")
    try:
        grid = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
    except ValueError as exc:
        raise RawDataError(f"{path}: sheet {sheet!r} not found ({exc}). Use the ninth release workbook, or "
                           "update the sheet name in layers/indicators.toml.") from None
    except OSError as exc:
        raise RawDataError(f"{path}: cannot be read as an Excel workbook ({exc}). Download it again.") from None
    first = grid.iloc[:, 0].astype(str).str.strip()
    header_rows = np.flatnonzero(first.to_numpy() == "Area Code")
    if not len(header_rows):
        raise RawDataError(f"{path}: sheet {sheet!r} has no 'Area Code' header row; the layout changed. "
                           "Check the sheet and update the reader.")
    meta = {str(r[0]).strip().rstrip(":").lower(): r[1] for r in grid.iloc[: header_rows[0]].itertuples(index=False)
            if isinstance(r[0], str) and r[0].strip().endswith(":")}
    table = grid.iloc[header_rows[0] + 1:].copy()
    table.columns = [str(c).strip() for c in grid.iloc[header_rows[0]]]
    require_columns(table, ["Area Code", value_column], path)
    table = table[table["Area Code"].notna()]
    name_columns = list(table.columns[1: list(table.columns).index(value_column)])
    names = table[name_columns].bfill(axis=1).iloc[:, 0] if name_columns else pd.Series("", index=table.index)
    out = pd.DataFrame({
        "code": table["Area Code"].astype(str).str.strip(),
        "value": pd.to_numeric(table[value_column], errors="coerce"),
        "area_name": names.astype(str),
    })
    return out.drop_duplicates("code").reset_index(drop=True), {k: str(v) for k, v in meta.items()}


ELS_COLUMNS = ["areacd", "areanm", "indicator", "period", "observation", "status", "notes"]
ELS_STATUS = {"x": "ONS publishes no estimate for this area (status x: not available)",
              "u": "ONS flags this estimate as of low reliability (status u)"}


def read_els(raw: RawInputs, ref: str) -> pd.DataFrame:
    """An ONS Explore Local Statistics data file (long layout: one row per area, indicator and period), as text."""
    path = raw.path(ref)
    frame = read_csv(path, ELS_COLUMNS, dtype=str)
    return frame[ELS_COLUMNS].assign(source_path=str(path))


def latest_els(frame: pd.DataFrame, indicator: str) -> tuple[pd.DataFrame, str]:
    """One indicator of an Explore Local Statistics file at its latest period.

    Returns the rows of that period (``code, name, value, status, notes``; empty or suppressed cells stay missing)
    and the period as published (e.g. ``2023-01-01/P1Y``).
    """
    path = frame["source_path"].iloc[0] if len(frame) else "Explore Local Statistics file"
    rows = frame[frame["indicator"] == indicator]
    if rows.empty:
        raise RawDataError(f"{path}: no rows for indicator {indicator!r}; the file's indicators are "
                           f"{sorted(frame['indicator'].dropna().unique())}. Check the name in layers/indicators.toml.")
    period = max(rows["period"].dropna().astype(str))
    latest = rows[rows["period"] == period]
    if latest["areacd"].duplicated().any():
        raise RawDataError(f"{path}: area codes repeat for {indicator!r} in {period}; use the ONS file unchanged.")
    out = pd.DataFrame({
        "code": latest["areacd"].astype(str).str.strip(),
        "name": latest["areanm"].astype(str),
        "value": pd.to_numeric(latest["observation"], errors="coerce"),
        "status": latest["status"].fillna("").astype(str).str.strip(),
        "notes": latest["notes"].fillna("").astype(str).str.strip(),
    })
    return out.reset_index(drop=True), period


FILE8_CODE = "lsoa21_code"


def read_iod_file8(raw: RawInputs, columns: list[str]) -> pd.DataFrame:
    """IoD2025 File 8 numerators (counts of deprived people) per LSOA; blank cells (suppressed) stay missing."""
    path, frame = _one_row_per_code(raw, "iod2025.file8", FILE8_CODE, columns,
                                    repeat_hint="LSOA codes repeat; use File 8 as published (one row per LSOA).")
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce")
        if (values < 0).any() or (frame[col].notna() & values.isna()).any():
            raise RawDataError(f"{path}: column {col!r} must hold non-negative counts; found text or negative "
                               "values. Download File 8 again.")
        frame[col] = values.astype("float64")
    return frame


FILE10_CODE = "ltla24_code"


def read_iod_file10(raw: RawInputs, columns: list[str]) -> pd.DataFrame:
    """MHCLG's published district summaries (IoD2025 File 10) for the named columns, one row per district."""
    _, frame = _one_row_per_code(raw, "iod2025.file10", FILE10_CODE, columns,
                                 repeat_hint="district codes repeat; use File 10 as published (one row per district).")
    for col in columns:
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame
