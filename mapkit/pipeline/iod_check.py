"""Proof of the IoD summary method: district summaries computed from LSOAs, compared with MHCLG's File 10.

The comparison uses exactly the code that computes wards and combined authorities (``computed_summary``), so
how closely it reproduces MHCLG's published district figures is how far the ward and combined-authority
figures can be trusted. Values are compared in MHCLG's own unit (percentages are divided back by 100).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from mapkit.pipeline.denominators import RULES
from mapkit.pipeline.inputs import read_iod_file10
from mapkit.pipeline.methods import Context, computed_summary
from mapkit.specs.registry import Registry
from mapkit.analysis.ranking import rank_worst_first

PUBLISHED = "iod_published"


def district_comparison(registry: Registry, ctx: Context) -> list[dict]:
    """Per File 10 measure: median, 90th percentile and max absolute difference, and the max rank shift.

    Parameters
    ----------
    registry : Registry
        The indicator declarations; every ``iod_published`` indicator is compared.
    ctx : Context
        Build inputs (its ``denominator_rule`` chooses the LSOA weights).

    Returns
    -------
    list of dict
        One row per measure, in declaration order.
    """
    rows = []
    for spec in registry.indicators.values():
        if spec.method != PUBLISHED:
            continue
        p = spec.params
        published = read_iod_file10(ctx.raw, [p["file10_column"], p["file10_rank_column"]])
        computed = computed_summary(spec, ctx)["lad"][["code", "value"]]
        both = published.merge(computed, on="code", how="inner", validate="1:1")
        ours = both["value"] / float(p.get("file10_scale", 1))
        diff = (ours - both[p["file10_column"]]).abs()
        shift = (rank_worst_first(ours, spec.higher_is).astype(float) - both[p["file10_rank_column"]]).abs()
        rows.append({
            "indicator": spec.id, "file10_column": p["file10_column"], "districts": int(len(both)),
            "median_abs_diff": _round(diff.median()), "p90_abs_diff": _round(diff.quantile(0.9)),
            "max_abs_diff": _round(diff.max()), "max_rank_shift": int(shift.max()),
            "districts_moved_over_5": int((shift > 5).sum()),
        })
    return rows


def _round(value: float) -> float:
    return float(np.format_float_positional(value, precision=4, fractional=False)) if value else 0.0


def rule_summary(registry: Registry, ctx: Context) -> dict[str, dict]:
    """How well each denominator rule (mapkit.pipeline.denominators.RULES) reproduces File 10.

    Returns, per rule, the largest rank shift over all measures, the Employment average rank's, and the median
    absolute difference of the IMD average rank.
    """
    out = {}
    for rule in RULES:
        with_rule = dataclasses.replace(ctx, denominator_rule=rule)
        rows = {r["indicator"]: r for r in district_comparison(registry, with_rule)}
        out[rule] = {
            "max_rank_shift_any_measure": max(r["max_rank_shift"] for r in rows.values()),
            "employment_average_rank_max_shift": rows["employment_average_rank"]["max_rank_shift"],
            "imd_average_rank_median_abs_diff": rows["imd_average_rank"]["median_abs_diff"],
            "districts_moved_over_5_all_measures": sum(r["districts_moved_over_5"] for r in rows.values()),
        }
    return out
