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
import pandas as pd

from mapkit.errors import UnknownNameError
from mapkit.data.io import checked_product, read_product
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
    table = regions(data_dir)
    return str(table.loc[table["code"] == code, "kind"].iloc[0])


def region_name(code: str, data_dir: Path | None = None) -> str:
    table = regions(data_dir)
    match = table.loc[table["code"] == code, "name"]
    if match.empty:
        raise UnknownNameError(
            f"Unknown region {code!r}: use E92000001 for England, an E47 code for a combined authority or an "
            "E06/E07/E08/E09 district code (`python -m mapkit regions` lists them).")
    return str(match.iloc[0])


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
    return _indicator_rows(indicator_id, level, data_dir or default_data_dir()).copy(deep=False)


@lru_cache(maxsize=512)
def _indicator_rows(indicator_id: str, level: str, data_dir: Path) -> pd.DataFrame:
    """One indicator's rows of a level's table, selected once (a tidy table per region reuses them)."""
    table = _indicators(level, data_dir)
    return table[table["indicator"] == indicator_id]


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
    table = _indicators(level, data_dir or default_data_dir())
    return table[table["code"] == code]


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
