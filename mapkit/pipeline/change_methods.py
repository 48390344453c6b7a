"""Pipeline methods for change between editions: IoD2019 -> IoD2025 movement and Census 2011 -> 2021 change.

The comparison rules live in :mod:`mapkit.pipeline.movement`; this module reads the raw files, applies them and
shapes one result per level, with a note per area stating what was compared and what could not be.
"""

from __future__ import annotations

from typing import Callable, Hashable, Protocol

import pandas as pd

from mapkit.errors import RawDataError, SpecError
from mapkit.data.io import read_csv
from mapkit.specs.registry import IndicatorSpec
from mapkit.pipeline import movement
from mapkit.pipeline.geography import Spine
from mapkit.pipeline.inputs import read_census, read_iod
from mapkit.pipeline.raw import RawInputs


class Context(Protocol):
    """What these methods need of :class:`mapkit.pipeline.methods.Context` (not imported: it imports this module)."""

    raw: RawInputs
    spine: Spine

    def once(self, key: Hashable, loader: Callable[[], pd.DataFrame]) -> pd.DataFrame: ...

IOD2019_CODE = "LSOA code (2011)"
CENSUS2011_CODE = "LSOA11CD"
_GROUP = {"ward": "ward_code", "lad": "lad_code", "ca": "ca_code"}
LSOA_MEASURES = ("pct_change", "decile_change", "net_10", "net_20")
AREA_MEASURES = ("net_10", "net_20", "into_10", "out_10", "into_20", "out_20")


def _numeric(frame: pd.DataFrame, columns: list[str], path, what: str) -> pd.DataFrame:
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce")
        if values.isna().any() or (values < 0).any():
            bad = frame.loc[values.isna() | (values < 0)].iloc[:3, 0].tolist()
            raise RawDataError(f"{path}: column {col!r} has missing, negative or text values (e.g. {bad}); {what} "
                               "publishes a figure for every LSOA. Download it again.")
        frame[col] = values
    return frame


def read_iod2019(ctx: Context, rank_column: str, decile_column: str) -> pd.DataFrame:
    """IoD2019 File 7 rank and decile per 2011 LSOA: ``code11, rank, decile``."""
    path = ctx.raw.path("iod2019.file7")
    frame = read_csv(path, [IOD2019_CODE, rank_column, decile_column])
    frame = frame[[IOD2019_CODE, rank_column, decile_column]].set_axis(["code11", "rank", "decile"], axis=1)
    if frame["code11"].duplicated().any():
        raise RawDataError(f"{path}: LSOA codes repeat; use IoD2019 File 7 as published (one row per LSOA).")
    return _numeric(frame, ["rank", "decile"], path, "IoD2019 File 7")


def read_census2011(ctx: Context, columns: list[str]) -> pd.DataFrame:
    """Census 2011 QS119EW counts per 2011 LSOA (England), whole and non-negative."""
    path = ctx.raw.path("census2011.qs119")
    frame = read_csv(path, [CENSUS2011_CODE, *columns])
    frame = frame[[CENSUS2011_CODE, *columns]].rename(columns={CENSUS2011_CODE: "code11"})
    frame = frame[frame["code11"].str.startswith("E")]
    return _numeric(frame, columns, path, "Census 2011 QS119EW")


def _lookup(ctx: Context) -> pd.DataFrame:
    return ctx.once(("lsoa11_lsoa21",), lambda: movement.read_lookup(ctx.raw.path("ons_lookups.lsoa11_lsoa21")))


def compared_lsoas(spec: IndicatorSpec, ctx: Context) -> pd.DataFrame:
    """:func:`movement.compare_iod` for the indicator's declared IoD2019 and IoD2025 columns, with parents."""
    p = spec.params
    key = ("iod_movement", p["rank_column_2019"], p["rank_column"])

    def load() -> pd.DataFrame:
        old = read_iod2019(ctx, p["rank_column_2019"], p["decile_column_2019"])
        new = read_iod(ctx.raw, [p["rank_column"], p["decile_column"]]).set_axis(["code", "rank", "decile"], axis=1)
        compared = movement.compare_iod(_lookup(ctx), old, new)
        return ctx.spine.lsoa[["code", *_GROUP.values()]].merge(compared, on="code", how="inner", validate="1:1")
    return ctx.once(key, load)


def _lsoa_note(row) -> str:
    if not row.comparable:
        return row.reason
    old = f"IoD2019 decile {int(row.decile_old)}"
    if row.rank_old == row.rank_old:
        old = f"IoD2019 rank {int(row.rank_old):,} of {int(row.n_old):,}, decile {int(row.decile_old)}"
    text = f"{old}; IoD2025 rank {int(row.rank_new):,} of {int(row.n_new):,}, decile {int(row.decile_new)}."
    return f"{text} {row.reason}".strip()


def _move_note(row, value: float, top: int) -> str:
    """An LSOA's move into or out of the most deprived ``top``%, with both deciles; why it was not compared."""
    if not row.comparable:
        return row.reason
    deciles = f"(IoD2019 decile {int(row.decile_old)}, IoD2025 decile {int(row.decile_new)})"
    move = {1: f"Moved into the most deprived {top}% {deciles}.", -1: f"Moved out of the most deprived {top}% "
            f"{deciles}."}.get(int(value), "")
    return f"{move} {row.reason}".strip()


def iod_movement(spec: IndicatorSpec, ctx: Context) -> dict[str, pd.DataFrame]:
    """IoD2019 -> IoD2025 movement (``params.measure``): per LSOA, or per ward, district and CA from its LSOAs."""
    measure = spec.params.get("measure")
    if measure not in set(LSOA_MEASURES) | set(AREA_MEASURES):
        raise SpecError(f"Indicator {spec.id!r}: params.measure is {measure!r}; use one of "
                        f"{', '.join(sorted(set(LSOA_MEASURES) | set(AREA_MEASURES)))}.")
    data = compared_lsoas(spec, ctx)
    out: dict[str, pd.DataFrame] = {}
    if measure in LSOA_MEASURES:
        if measure in ("net_10", "net_20"):
            top = int(measure[-2:])
            notes = data.apply(lambda row, top=top: _move_note(row, row[measure], top), axis=1)
        else:
            notes = data.apply(_lsoa_note, axis=1)
        out["lsoa"] = pd.DataFrame({"code": data["code"], "value": data[measure], "note": notes})
    if measure in AREA_MEASURES:
        for level, column in _GROUP.items():
            out[level] = _area_result(movement.movement_summary(data, data[column]), measure)
    return out


def _area_result(summary: pd.DataFrame, measure: str) -> pd.DataFrame:
    kind, top = measure.split("_")
    into, out_ = summary[f"into_{top}"], summary[f"out_{top}"]
    if kind == "net":
        value, numerator = (into - out_).astype(float), pd.Series(float("nan"), index=summary.index)
    else:
        numerator = (into if kind == "into" else out_).astype(float)
        value = 100.0 * numerator / summary["comparable"].where(summary["comparable"] > 0)
    notes = []
    for row in summary.itertuples(index=False):
        text = (f"{getattr(row, f'into_{top}'):,} of {row.comparable:,} compared LSOAs moved into the most deprived "
                f"{top}% and {getattr(row, f'out_{top}'):,} moved out (IoD2019 to IoD2025).")
        if row.not_comparable:
            text += (f" {row.not_comparable:,} of its {row.lsoas:,} LSOAs could not be compared (merged from 2011 "
                     "LSOAs in different 2019 deciles, or redrawn).")
        else:
            text += f" All {row.lsoas:,} LSOAs compared."
        notes.append(text)
    return pd.DataFrame({"code": summary["code"], "value": value, "numerator": numerator,
                         "denominator": summary["comparable"].astype(float), "note": notes})


def census_change(spec: IndicatorSpec, ctx: Context) -> dict[str, pd.DataFrame]:
    """Census 2011 -> 2021 change in a share (percentage points), summed over LSOAs that match in both censuses."""
    p = spec.params
    old_num, new_num = list(p["numerator_2011"]), list(p["numerator"])
    old = read_census2011(ctx, [*old_num, p["denominator_2011"]])
    old = pd.DataFrame({"code11": old["code11"], "numerator": old[old_num].sum(axis=1),
                        "denominator": old[p["denominator_2011"]]})
    new = read_census(ctx.raw, p["table"], [*new_num, p["denominator"]])
    new = pd.DataFrame({"code": new["code"], "numerator": new[new_num].sum(axis=1),
                        "denominator": new[p["denominator"]]})
    lookup = _lookup(ctx)
    areas = ctx.spine.lsoa[["code", *_GROUP.values()]]
    out = {level: movement.census_change(lookup, old, new, areas, column) for level, column in _GROUP.items()}
    lsoa = areas[["code"]].merge(movement.census_change(lookup, old, new, areas, None), on="code", how="left")
    kinds = lsoa["code"].map(movement.change_types(lookup))
    missing = lsoa["value"].isna()
    lsoa.loc[missing, "note"] = kinds[missing].map(
        {"S": "Not compared: split from a larger 2011 LSOA, so its 2011 households cannot be separated; "
              "compared at ward, district and combined authority level.",
         "X": "Not compared: boundary redrawn between 2011 and 2021 (ONS change type X)."}).fillna(
        "Not compared: no matching 2011 LSOA.")
    out["lsoa"] = lsoa
    return out


CHANGE_METHODS: dict[str, Callable[[IndicatorSpec, Context], dict[str, pd.DataFrame]]] = {
    "iod_movement": iod_movement,
    "census_change": census_change,
}
