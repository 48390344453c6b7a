"""The public data API shared by the app, the exporter, the command line and the tests (no Streamlit here).

Products are read once per process and kept; callers get region subsets that share the same geometry objects.
They come from the shipped ``data/`` unless the environment variable ``MAPKIT_DATA_DIR`` names another folder
(read on each call that does not pass ``data_dir``; products already read stay cached per folder).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from mapkit.errors import ProductError, UnknownNameError
from mapkit.data.io import checked_product, read_product, rebuild_hint
from mapkit.specs.registry import LEVELS, registry

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
"""The products shipped with the project."""
DATA_DIR_ENV = "MAPKIT_DATA_DIR"
ENGLAND = "E92000001"


_PARENTS = {"ca": (), "lad": ("rgn_code", "rgn_name", "ca_code", "ca_name"),
            "ward": ("lad_code", "lad_name", "ca_code", "ca_name"),
            "lsoa": ("ward_code", "ward_name", "lad_code", "lad_name", "ca_code", "ca_name")}
INDICATOR_COLUMNS = ("code", "level", "indicator", "value", "numerator", "denominator", "rank", "n_ranked", "decile",
                     "note")


@lru_cache(maxsize=None)
def _boundaries(level: str, data_dir: Path) -> gpd.GeoDataFrame:
    path = data_dir / registry().boundary(level).product
    return checked_product(read_product(path), path, ("code", "name", "geometry", *_PARENTS.get(level, ())), geo=True)


@lru_cache(maxsize=None)
def _indicators(level: str, data_dir: Path) -> pd.DataFrame:
    path = data_dir / "indicators" / f"{level}.parquet"
    return checked_product(read_product(path), path, INDICATOR_COLUMNS, geo=False)


@lru_cache(maxsize=None)
def _rows_of(level: str, data_dir: Path, column: str) -> dict[str, slice | np.ndarray]:
    """Row positions of each value of ``column`` (``indicator`` or ``code``) in the level's table, in table order:
    one indicator's rows, or one area's, are then taken without comparing every row of the table (436,288 for
    wards, 2.4 million for LSOAs) at each call. Rows that lie together (an indicator's, as the build writes them)
    are a slice: taking them copies nothing (pandas copies on write)."""
    values = _indicators(level, data_dir)[column]
    codes, uniques = pd.factorize(values)
    if (codes < 0).any():  # a missing id: the product check refuses these, but do not guess
        path = data_dir / "indicators" / f"{level}.parquet"
        raise ProductError(f"{path}: rows without {column}. {rebuild_hint(path)}")
    order = np.argsort(codes, kind="stable")
    ends = np.cumsum(np.bincount(codes, minlength=len(uniques)))
    return {value: slice(int(rows[0]), int(rows[-1]) + 1) if rows[-1] - rows[0] + 1 == len(rows) else rows
            for value, rows in zip(uniques, np.split(order, ends[:-1]))}


def _rows(level: str, data_dir: Path, column: str, value: str) -> pd.DataFrame:
    table = _indicators(level, data_dir)
    return table.iloc[_rows_of(level, data_dir, column).get(value, slice(0, 0))]


def default_data_dir() -> Path:
    """The products folder: ``$MAPKIT_DATA_DIR`` when set, else the shipped :data:`DATA_DIR`."""
    chosen = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(chosen).expanduser().resolve() if chosen else DATA_DIR


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise UnknownNameError(f"Unknown level {level!r}: use one of {', '.join(LEVELS)}.")


def regions(data_dir: Path | None = None) -> pd.DataFrame:
    """England, each combined authority and each district: ``code, name, kind, group``.

    ``group`` is what a picker groups districts under: their combined authority, else their region.
    """
    return _regions(data_dir or default_data_dir())


@lru_cache(maxsize=None)
def _regions(data_dir: Path) -> pd.DataFrame:
    ca = _boundaries("ca", data_dir)[["code", "name"]].assign(kind="ca", group="Combined authorities")
    lad = _boundaries("lad", data_dir)
    lad_rows = pd.DataFrame({
        "code": lad["code"], "name": lad["name"], "kind": "lad",
        "group": lad["ca_name"].fillna(lad["rgn_name"]).map(lambda g: f"Districts: {g}"),
    })
    england = pd.DataFrame([{"code": ENGLAND, "name": "England", "kind": "england", "group": "England"}])
    return pd.concat([england, ca.sort_values("name"), lad_rows.sort_values(["group", "name"])],
                     ignore_index=True)


def region_kind(code: str, data_dir: Path | None = None) -> str:
    """What kind of region a code is, as the data say: ``"england"``, ``"ca"`` or ``"lad"``.

    Raises
    ------
    UnknownNameError
        For a code that is not England, a combined authority or a district in the shipped products.
    """
    region_name(code, data_dir)  # validates the code, with the message that lists where to find codes
    return _region_lookup(data_dir or default_data_dir())[code][1]


def region_name(code: str, data_dir: Path | None = None) -> str:
    found = _region_lookup(data_dir or default_data_dir()).get(code) if isinstance(code, str) else None
    if found is None:
        raise UnknownNameError(
            f"Unknown region {code!r}: use E92000001 for England, an E47 code for a combined authority or an "
            "E06/E07/E08/E09 district code (`python -m mapkit regions` lists them).")
    return found[0]


@lru_cache(maxsize=None)
def _region_lookup(data_dir: Path) -> dict[str, tuple[str, str]]:
    """Region code -> (name, kind), from :func:`regions` (asked several times at each rerun of the app)."""
    table = _regions(data_dir)
    return {str(c): (str(n), str(k)) for c, n, k in zip(table["code"], table["name"], table["kind"])}


def _region_mask(frame: pd.DataFrame, level: str, region: str, data_dir: Path) -> pd.Series:
    kind = region_kind(region, data_dir)
    if kind == "england":
        return pd.Series(True, index=frame.index)
    if kind == "ca":
        column = "code" if level == "ca" else "ca_code"
        return frame[column] == region
    if level == "ca":
        lad = _boundaries("lad", data_dir)
        return frame["code"].isin(lad.loc[lad["code"] == region, "ca_code"])
    return frame["code" if level == "lad" else "lad_code"] == region


def load_boundaries(level: str, region: str = ENGLAND, *, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Areas of ``level`` inside ``region`` (EPSG:4326) with their parent codes and names."""
    _check_level(level)
    data_dir = data_dir or default_data_dir()
    frame = _boundaries(level, data_dir)
    return frame[_region_mask(frame, level, region, data_dir).to_numpy()]


def area_codes(level: str, region: str = ENGLAND, *, data_dir: Path | None = None) -> frozenset[str]:
    """Codes of the areas of ``level`` inside ``region`` (kept per product folder: a view is checked at each rerun)."""
    _check_level(level)
    return _area_codes(level, region, data_dir or default_data_dir())


@lru_cache(maxsize=1024)
def _area_codes(level: str, region: str, data_dir: Path) -> frozenset[str]:
    return frozenset(load_boundaries(level, region, data_dir=data_dir)["code"])


def indicator_table(indicator_id: str, level: str, *, data_dir: Path | None = None) -> pd.DataFrame:
    """Tidy rows of one indicator for every area of ``level`` in England."""
    spec = registry().indicator(indicator_id)
    _check_level(level)
    if level not in spec.levels:
        reason = spec.note_for(level) or f"it is published for {', '.join(spec.levels)} only"
        raise UnknownNameError(f"{spec.label} is not available at {registry().boundary(level).label.lower()} "
                               f"level: {reason}")
    return _rows(level, data_dir or default_data_dir(), "indicator", indicator_id)


def load_indicator(indicator_id: str, level: str, region: str = ENGLAND, *,
                   data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Boundaries of ``level`` in ``region`` joined to the indicator, ready to classify.

    Columns: the boundary columns, then ``value, numerator, denominator, rank, n_ranked, decile, note``;
    ``rank``/``decile`` are national (England) with 1 = worst.
    """
    rows = indicator_table(indicator_id, level, data_dir=data_dir).drop(columns=["level", "indicator"])
    shapes = load_boundaries(level, region, data_dir=data_dir)
    return shapes.merge(rows, on="code", how="left", validate="1:1")


def level_table(level: str, *, data_dir: Path | None = None) -> pd.DataFrame:
    """Tidy rows of every indicator for every area of ``level`` in England (read once per process; do not modify)."""
    _check_level(level)
    return _indicators(level, data_dir or default_data_dir())


def area_indicators(code: str, level: str, *, data_dir: Path | None = None) -> pd.DataFrame:
    """Every indicator's row for one area (for an area profile)."""
    _check_level(level)
    return _rows(level, data_dir or default_data_dir(), "code", code)


SERIES_COLUMNS = ("code", "level", "series", "period", "year", "value", "lci", "uci", "status", "note")
SERIES_LEVELS = ("lad", "ca", "england")


@lru_cache(maxsize=None)
def _series(level: str, data_dir: Path) -> pd.DataFrame:
    path = data_dir / "series" / f"{level}.parquet"
    return checked_product(read_product(path), path, SERIES_COLUMNS, geo=False)


def load_series(series_id: str, level: str, codes: list[str] | tuple[str, ...] | None = None, *,
                data_dir: Path | None = None) -> pd.DataFrame:
    """Every published period of one ONS time series (``layers/series.toml``) for the areas of ``level``.

    Parameters
    ----------
    series_id
        A series id, e.g. ``"gva_per_hour"``.
    level
        ``"lad"``, ``"ca"`` or ``"england"``.
    codes
        Only these areas; ``None`` means all.

    Returns
    -------
    pandas.DataFrame
        ``code, level, series, period, year, value, lci, uci, status, note``, ordered by code and period. Gaps
        (suppressed, empty or unpublished cells) are rows with no value and the reason in ``note``.
    """
    registry().one_series(series_id)
    if level not in SERIES_LEVELS:
        raise UnknownNameError(f"Time series are published for {', '.join(SERIES_LEVELS)}, not {level!r}.")
    table = _series(level, data_dir or default_data_dir())
    rows = table[table["series"] == series_id]
    if codes is not None:
        rows = rows[rows["code"].isin(list(codes))]
    return rows.sort_values(["code", "period"]).reset_index(drop=True)


COMPARATOR_COLUMNS = ("code", "name", "kind", "indicator", "value", "note")


@lru_cache(maxsize=None)
def _comparators(data_dir: Path) -> pd.DataFrame:
    path = data_dir / "indicators" / "comparators.parquet"
    return checked_product(read_product(path), path, COMPARATOR_COLUMNS, geo=False)


def comparator_table(*, data_dir: Path | None = None) -> pd.DataFrame:
    """England and region figures as published (``code, name, kind, indicator, value, note``; see
    :mod:`mapkit.pipeline.comparators`); only indicators whose publisher gives them have rows."""
    return _comparators(data_dir or default_data_dir())
