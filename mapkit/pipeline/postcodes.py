"""``data/postcodes/postcodes.parquet``: every live English postcode -> its LSOA 2021, how that LSOA was assigned, and
its OS Code-Point Open coordinate, compact enough to ship (see :data:`SIZE_BUDGET_BYTES`).

The input is the derived file of SOURCES.md section 12. Rows hold the postcode in ONS ``pcds`` form (e.g. ``B9 5RP``),
sorted by the postcode without its space (``B95RP``) so that a lookup is a binary search (:mod:`mapkit.data.postcodes`).
LSOA codes and method flags are
dictionary-encoded (a small-integer index per row), coordinates are int32 British National Grid metres as OS
publishes them, missing (null) where Code-Point has none. Ward, district and combined authority are not stored:
they come from the LSOA's row in the shipped boundaries at query time, so they always agree with the map.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from mapkit.errors import RawDataError
from mapkit.pipeline.raw import RawInputs

SOURCE_REF = "postcodes.lsoa21"
PRODUCT = "postcodes/postcodes.parquet"
SIZE_BUDGET_BYTES = 12 * 1024 * 1024
"""The shipped product must stay under 12 MB (tests/unit/data/test_postcodes.py checks it)."""
COLUMNS = ["pcds", "easting", "northing", "positional_quality", "lad_code_codepoint", "lsoa21cd", "lsoa21_method"]
NO_COORDINATE_PQI = 90


def postcode_table(path: Path, lsoa_lad: pd.Series) -> tuple[pa.Table, dict]:
    """The product's rows from the raw file, and the checks for the build report.

    Parameters
    ----------
    path
        ``postcodes/postcode_lsoa21_england.parquet`` under the raw folder.
    lsoa_lad
        District code of every English LSOA 2021, indexed by LSOA code (from the boundaries' lookups).
    """
    frame = pd.read_parquet(path, columns=COLUMNS)
    if frame["pcds"].duplicated().any():
        raise RawDataError(f"{path} has duplicate postcodes: it is not the file SOURCES.md section 12 describes.")
    unknown = set(frame["lsoa21cd"].dropna()) - set(lsoa_lad.index)
    if unknown:
        raise RawDataError(f"{path} names {len(unknown)} LSOA codes that are not English LSOA 2021 codes "
                           f"(e.g. {sorted(unknown)[0]}); check the raw file against SOURCES.md section 12.")
    frame = frame.sort_values("pcds", key=lambda s: s.str.replace(" ", ""), kind="stable", ignore_index=True)
    no_xy = (frame["positional_quality"] == NO_COORDINATE_PQI) | ((frame["easting"] == 0) & (frame["northing"] == 0))
    easting = frame["easting"].astype("Int32").mask(no_xy)
    northing = frame["northing"].astype("Int32").mask(no_xy)
    lsoa = frame["lsoa21cd"].astype("category")
    district = lsoa.astype(object).map(lsoa_lad)
    agrees = (district == frame["lad_code_codepoint"])[frame["lsoa21cd"].notna()]
    table = pa.table({
        "pcds": pa.array(frame["pcds"], pa.string()),
        "lsoa21cd": pa.DictionaryArray.from_pandas(lsoa),
        "method": pa.DictionaryArray.from_pandas(frame["lsoa21_method"].astype("category")),
        "easting": pa.array(easting, pa.int32()),
        "northing": pa.array(northing, pa.int32()),
    })
    info = {
        "postcodes": len(frame),
        "with_lsoa": int(frame["lsoa21cd"].notna().sum()),
        "without_coordinates": int(no_xy.sum()),
        "methods": {str(k): int(v) for k, v in frame["lsoa21_method"].value_counts(dropna=False).items()},
        "method_but_no_lsoa": int((frame["lsoa21cd"].isna() & frame["lsoa21_method"].notna()).sum()),
        "lsoas_covered": int(frame["lsoa21cd"].nunique()),
        "lsoa_district_equals_codepoint_district": f"{agrees.mean():.4%}",
    }
    return table, info


def write_postcodes(table: pa.Table, dest: Path) -> int:
    """Write the product (zstd; sorted postcodes delta-encoded) and return its size in bytes."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, dest, compression="zstd", compression_level=19, use_dictionary=["lsoa21cd", "method"],
                   column_encoding={"pcds": "DELTA_BYTE_ARRAY", "easting": "DELTA_BINARY_PACKED",
                                    "northing": "DELTA_BINARY_PACKED"}, row_group_size=len(table) or None)
    size = dest.stat().st_size
    if size > SIZE_BUDGET_BYTES:
        raise RawDataError(f"{dest} is {size:,} bytes, over the {SIZE_BUDGET_BYTES:,}-byte budget.")
    return size


def build_postcodes(inputs: RawInputs, lsoa_lad: pd.Series, staging: Path) -> dict:
    """Build :data:`PRODUCT` into ``staging``; return its report (counts, method classes, checks, bytes)."""
    table, info = postcode_table(inputs.path(SOURCE_REF), lsoa_lad)
    info["bytes"] = write_postcodes(table, staging / PRODUCT)
    return info
