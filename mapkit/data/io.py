"""Reading and writing files, with errors that name the file and the fix.

Vector inputs are normalised once here: a declared CRS is required, and coordinates are checked against the
extent of Great Britain so that a file in the wrong CRS is caught before it reaches a product.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Iterable

import geopandas as gpd
import pandas as pd

from mapkit.errors import ProductError, RawDataError

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"
# British National Grid extent of Great Britain and its islands, in metres.
_GB_BOUNDS_BNG = (-10_000.0, -10_000.0, 700_000.0, 1_300_000.0)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path: Path) -> None:
    """Stop with a message naming the file and each missing column (e.g. a renamed header)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        shown = ", ".join(repr(c) for c in missing)
        raise RawDataError(
            f"{path}: column(s) {shown} not found. The file has {len(frame.columns)} columns "
            f"({', '.join(map(repr, list(frame.columns)[:6]))}{', ...' if len(frame.columns) > 6 else ''}). "
            "Use the publisher's original file, or correct the column name in layers/ if the publisher renamed it."
        )


def read_csv(path: Path, columns: Iterable[str], *, dtype: dict | None = None) -> pd.DataFrame:
    """Read an official CSV (UTF-8, with or without BOM) and check its columns."""
    columns = list(columns)
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=dtype, low_memory=False)
    except FileNotFoundError:
        raise RawDataError(f"{path}: file not found. Put the official file there or run with --download.") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise RawDataError(f"{path}: not a readable CSV ({exc}). Download the file again from its publisher.") from None
    require_columns(frame, columns, path)
    return frame


def read_vector(path: Path, columns: Iterable[str], *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a GeoJSON/GeoPackage boundary file and return it in British National Grid."""
    import pyogrio

    if not path.exists():
        raise RawDataError(f"{path}: file not found. Put the official file there or run with --download.")
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # pyogrio raises several GDAL error types for damaged files
        raise RawDataError(
            f"{path}: cannot be read as a GeoJSON/GeoPackage ({type(exc).__name__}: {exc}). "
            "The file is damaged or not a boundary file: download it again from its publisher."
        ) from None
    require_columns(frame, columns, path)
    if frame.crs is None:
        raise RawDataError(f"{path}: no coordinate reference system is declared. Use the ONS download, "
                           "which declares EPSG:4326 (GeoJSON) or EPSG:27700 (GeoPackage).")
    bng = frame.to_crs(BNG)
    minx, miny, maxx, maxy = bng.total_bounds
    lo_x, lo_y, hi_x, hi_y = _GB_BOUNDS_BNG
    if not (minx >= lo_x and miny >= lo_y and maxx <= hi_x and maxy <= hi_y):
        raise RawDataError(
            f"{path}: coordinates fall outside Great Britain when read as {frame.crs.to_string()} "
            f"(bounds in British National Grid {minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}). "
            "The file's declared CRS does not match its coordinates: re-export it with the correct CRS."
        )
    return bng


REBUILD = ("Rebuild it with `python -m mapkit build-data` (needs the raw files) or restore it with "
           "`git checkout -- data/`.")
SHIPPED_DATA = Path(__file__).resolve().parents[2] / "data"
PRODUCT_FOLDERS = ("boundaries", "indicators", "series", "postcodes", "hex")


def rebuild_hint(path: Path) -> str:
    """How to rebuild or restore the product at ``path``, for the data folder it is actually in.

    The shipped ``data/`` can be restored from git; another folder (``MAPKIT_DATA_DIR``) is rebuilt into itself.
    """
    path = Path(path)
    folder = path.parent.parent if path.parent.name in PRODUCT_FOLDERS else path.parent
    try:
        shipped = folder.resolve() == SHIPPED_DATA
    except OSError:
        shipped = False
    if shipped:
        return REBUILD
    return (f"The data folder is {folder} (not the shipped data/): rebuild it with `python -m mapkit "
            f"build-data --out {folder}` (needs the raw files), or copy the file from the project's data/ folder.")


def read_product(path: Path) -> pd.DataFrame:
    """Read a built product (GeoParquet or Parquet) or explain how to rebuild it."""
    rebuild = rebuild_hint(path)
    if not path.exists():
        raise ProductError(f"Data file {path} is missing. {rebuild}")
    try:
        import pyarrow.parquet as pq

        meta = pq.read_schema(path).metadata or {}
        if b"geo" in meta:
            return gpd.read_parquet(path)
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError variants for damaged files
        raise ProductError(f"Data file {path} is damaged ({type(exc).__name__}: {exc}). {rebuild}") from None


def replace_tree(staging: Path, target: Path) -> None:
    """Move every file from ``staging`` into ``target``, replacing files one by one with atomic renames."""
    for src in sorted(p for p in staging.rglob("*") if p.is_file()):
        dest = target / src.relative_to(staging)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)
    shutil.rmtree(staging, ignore_errors=True)


def checked_product(frame: pd.DataFrame, path: Path, columns: tuple[str, ...], *, geo: bool) -> pd.DataFrame:
    """A product that read cleanly but is not what the build writes (no rows, columns lost) is damaged too."""
    missing = [c for c in columns if c not in frame.columns]
    problem = ("it has no rows" if frame.empty else f"column(s) {', '.join(missing)} are missing" if missing
               else "it has no geometry" if geo and not isinstance(frame, gpd.GeoDataFrame) else "")
    if problem:
        raise ProductError(f"Data file {path} is damaged ({problem}). {rebuild_hint(path)}")
    return frame
