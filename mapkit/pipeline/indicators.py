"""Assemble every declared indicator into one tidy table per level, with national ranks and deciles."""

from __future__ import annotations

import pandas as pd

from mapkit.pipeline.methods import METHODS, Context
from mapkit.errors import SpecError
from mapkit.specs.registry import LEVELS, Registry
from mapkit.analysis.ranking import decile_from_rank, rank_worst_first

COLUMNS = ["code", "level", "indicator", "value", "numerator", "denominator", "rank", "n_ranked", "decile", "note"]
NO_LSOA_NOTE = "No data: no LSOA is assigned to this ward in the ONS LSOA (2021) to ward (2024) best-fit lookup."


def _finish(frame: pd.DataFrame, spine_codes: pd.Series, *, level: str, spec) -> pd.DataFrame:
    """One row per area of the level (missing stays missing, with a reason), ranked 1 = worst."""
    frame = pd.DataFrame({"code": spine_codes}).merge(frame, on="code", how="left", validate="1:1")
    for col in ("numerator", "denominator", "note"):
        if col not in frame:
            frame[col] = pd.NA
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    has_value = frame["value"].notna()
    n = int(has_value.sum())
    if "rank" not in frame or frame["rank"].isna().all():
        frame["rank"] = rank_worst_first(frame["value"], spec.higher_is)
    if "decile" not in frame or frame["decile"].isna().all():
        frame["decile"] = decile_from_rank(frame["rank"], n)
    if spec.unit_kind == "change":  # most areas tie at no change: national deciles of a change would mislead
        frame["decile"] = pd.NA
    frame["n_ranked"] = n
    frame["note"] = frame["note"].astype("string").fillna("")
    if level == "ward" and spec.method.startswith(("iod", "census")):
        frame.loc[~has_value & (frame["note"] == ""), "note"] = NO_LSOA_NOTE
    frame.loc[~has_value & (frame["note"] == ""), "note"] = "No data in the source for this area."
    frame["level"] = level
    frame["indicator"] = spec.id
    for col in ("numerator", "denominator"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    for col in ("rank", "decile"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    return frame[COLUMNS]


def build_indicators(registry: Registry, ctx: Context) -> tuple[dict[str, pd.DataFrame], dict]:
    """Run each indicator's method; return the tidy table per level and a coverage report."""
    parts: dict[str, list[pd.DataFrame]] = {level: [] for level in LEVELS}
    coverage: dict[str, dict[str, str]] = {}
    for spec in registry.indicators.values():
        method = METHODS.get(spec.method)
        if method is None:
            raise SpecError(f"Indicator {spec.id!r} uses method {spec.method!r}, which does not exist; use one of "
                            f"{', '.join(METHODS)}.")
        results = method(spec, ctx)
        missing = [lvl for lvl in spec.levels if lvl not in results]
        if missing:
            raise SpecError(f"Indicator {spec.id!r} declares levels {missing} that method {spec.method!r} cannot "
                            "produce: remove them from its levels.")
        coverage[spec.id] = {}
        for level in spec.levels:
            tidy = _finish(results[level], ctx.spine.level(level)["code"], level=level, spec=spec)
            parts[level].append(tidy)
            coverage[spec.id][level] = f"{int(tidy['value'].notna().sum())}/{len(tidy)}"
    tables = {level: pd.concat(frames, ignore_index=True) for level, frames in parts.items() if frames}
    return tables, coverage
