"""How each indicator is computed: method name (as declared in layers/indicators.toml) -> function.

Each method returns, per level it supports, a frame with ``code, value`` and optionally ``numerator,
denominator, rank, decile, note``. Ranks and deciles not supplied here are computed afterwards from the values.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import pandas as pd

from mapkit.pipeline import aggregate
from mapkit.pipeline.denominators import DEFAULT_RULE, lsoa_denominators
from mapkit.pipeline.change_methods import CHANGE_METHODS
from mapkit.pipeline.geography import Spine
from mapkit.pipeline.inputs import (ELS_STATUS, latest_els, read_census, read_els, read_iod, read_iod_file8,
                                 read_iod_file10, read_workbook_sheet)
from mapkit.pipeline.raw import RawInputs
from mapkit.errors import SpecError
from mapkit.specs.registry import IndicatorSpec

ABOVE_LSOA = ("ward", "lad", "ca")
_GROUP = {"ward": "ward_code", "lad": "lad_code", "ca": "ca_code"}
CHANGED_CODES = {
    "E06000063": "Cumberland", "E06000064": "Westmorland and Furness", "E06000065": "North Yorkshire",
    "E06000066": "Somerset",
}


@dataclasses.dataclass
class Context:
    """Inputs shared by the methods, each read once per build."""

    raw: RawInputs
    spine: Spine
    denominator_rule: str = DEFAULT_RULE
    _cache: dict = dataclasses.field(default_factory=dict)

    def once(self, key, loader: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        if key not in self._cache:
            self._cache[key] = loader()
        return self._cache[key]

    def denominators(self) -> pd.DataFrame:
        """Per-LSOA total and working-age populations (mapkit.pipeline.denominators) with the LSOA's parents."""
        def load() -> pd.DataFrame:
            pop = lsoa_denominators(self.raw, self.spine.lsoa, self.denominator_rule)
            return self.spine.lsoa.merge(pop, on="code", how="left", validate="1:1")
        return self.once(("denominators", self.denominator_rule), load)

    def iod(self, spec: IndicatorSpec) -> pd.DataFrame:
        cols = [spec.params["score_column"], spec.params["rank_column"], spec.params["decile_column"]]
        frame = self.once(("iod", tuple(cols)), lambda: read_iod(self.raw, cols))
        data = self.denominators().merge(frame, on="code", how="inner", validate="1:1")
        return data.assign(weight=data[_weight(spec)],
                           deprivation_rank=aggregate.deprivation_rank(data[spec.params["rank_column"]], len(data)))


Result = dict[str, pd.DataFrame]


def _per_level(fn: Callable[[str], pd.DataFrame]) -> Result:
    return {level: fn(_GROUP[level]) for level in ABOVE_LSOA}


def _weight(spec: IndicatorSpec) -> str:
    """MHCLG's weight: working-age population for the Employment domain, total population otherwise."""
    weight = spec.params.get("weight", "total_population")
    if weight not in ("total_population", "working_age_population"):
        raise SpecError(f"Indicator {spec.id!r}: params.weight is {weight!r}; use total_population or "
                        "working_age_population.")
    return weight


def _scaled(result: Result, spec: IndicatorSpec) -> Result:
    """Values times ``params.scale`` (100 turns MHCLG's proportions into the project's percentages)."""
    factor = float(spec.params.get("scale", 1))
    if factor == 1:
        return result
    return {level: frame.assign(value=(frame["value"] * factor).round(10)) for level, frame in result.items()}


def iod_score(spec: IndicatorSpec, ctx: Context) -> Result:
    data = ctx.iod(spec)
    p = spec.params
    lsoa = data[["code"]].assign(value=data[p["score_column"]], rank=data[p["rank_column"]],
                                 decile=data[p["decile_column"]], denominator=data["weight"])
    out = _per_level(lambda by: aggregate.weighted_mean(data, value=p["score_column"], weight="weight", by=by))
    return _scaled({"lsoa": lsoa, **out}, spec)


def iod_average_rank(spec: IndicatorSpec, ctx: Context) -> Result:
    data = ctx.iod(spec)
    return _per_level(lambda by: aggregate.weighted_mean(data, value="deprivation_rank", weight="weight", by=by))


def iod_share_of_lsoas(spec: IndicatorSpec, ctx: Context) -> Result:
    data = ctx.iod(spec)
    return _scaled(_per_level(lambda by: aggregate.share_in_deciles(
        data, decile=spec.params["decile_column"], max_decile=int(spec.params["max_decile"]), by=by)), spec)


def iod_extent(spec: IndicatorSpec, ctx: Context) -> Result:
    data = ctx.iod(spec)
    n = len(data)
    return _scaled(_per_level(lambda by: aggregate.extent(data, rank=spec.params["rank_column"], weight="weight",
                                                          by=by, n_national=n)), spec)


def iod_local_concentration(spec: IndicatorSpec, ctx: Context) -> Result:
    data = ctx.iod(spec)
    return _per_level(lambda by: aggregate.local_concentration(data, rank="deprivation_rank", weight="weight",
                                                               by=by))


def iod_scale(spec: IndicatorSpec, ctx: Context) -> Result:
    """MHCLG's income or employment scale: the sum of File 8's numerators (counts of deprived people)."""
    column = spec.params["numerator_column"]
    counts = ctx.once(("file8", column), lambda: read_iod_file8(ctx.raw, [column]))
    data = ctx.spine.lsoa.merge(counts, on="code", how="left", validate="1:1")

    def per_group(by: str) -> pd.DataFrame:
        out = aggregate.sum_counts(data, numerator=column, denominator=None, by=by)
        blank = data.loc[data[column].isna()].groupby(by)["code"].apply(lambda c: ", ".join(sorted(c)))
        out["note"] = out["code"].map(blank).map(
            lambda c: f"Excludes LSOA(s) {c}, whose count File 8 leaves blank." if isinstance(c, str) else "")
        return out
    return _per_level(per_group)


def iod_published(spec: IndicatorSpec, ctx: Context) -> Result:
    """Published district summary, else computed: File 10's value and rank for districts; wards and combined
    authorities by ``params.computed_method``, the same code that reproduces File 10 (docs/iod_method.md)."""
    computed = computed_summary(spec, ctx)
    p = spec.params
    cols = [p["file10_column"], p["file10_rank_column"]]
    published = ctx.once(("file10", tuple(cols)), lambda: read_iod_file10(ctx.raw, cols))
    factor = float(p.get("file10_scale", 1))
    lad = ctx.spine.lad[["code"]].merge(published, on="code", how="left", validate="1:1")
    lad = pd.DataFrame({"code": lad["code"], "value": (lad[cols[0]] * factor).round(10), "rank": lad[cols[1]],
                        "note": lad[cols[0]].isna().map({True: "No data: district not in IoD2025 File 10.",
                                                         False: ""})})
    return {**computed, "lad": lad}


def computed_summary(spec: IndicatorSpec, ctx: Context) -> Result:
    """The LSOA-based summaries for every level (districts included) by the indicator's computing method."""
    name = spec.params.get("computed_method", spec.method)
    if name == "iod_published" or name not in METHODS:
        raise SpecError(f"Indicator {spec.id!r}: params.computed_method {name!r} must name an iod_* method.")
    return METHODS[name](spec, ctx)


def _census_frame(spec: IndicatorSpec, ctx: Context) -> tuple[pd.DataFrame, str | None]:
    """LSOA counts for the declared numerator (sum of columns) and denominator, with parents."""
    tables = spec.params["table"].split("+")
    numerator_cols = list(spec.params["numerator"])
    denominator_col = spec.params.get("denominator")
    frames = []
    for table in tables:
        wanted = [c for c in [*numerator_cols, denominator_col] if c and _in_table(ctx, table, c)]
        frames.append(ctx.once(("census", table, tuple(wanted)), lambda t=table, w=wanted: read_census(ctx.raw, t, w)))
    merged = frames[0]
    for extra in frames[1:]:
        merged = merged.merge(extra, on="code", how="inner", validate="1:1")
    merged = merged.assign(numerator=merged[numerator_cols].sum(axis=1))
    if denominator_col:
        merged = merged.assign(denominator=merged[denominator_col])
    data = ctx.spine.lsoa.merge(merged[["code", "numerator"] + (["denominator"] if denominator_col else [])],
                                on="code", how="left", validate="1:1")
    return data, "denominator" if denominator_col else None


def _in_table(ctx: Context, table: str, column: str) -> bool:
    """Which table of a multi-table indicator holds ``column`` (by the Nomis header's topic prefix)."""
    topic = {"ts001": "Residence type", "ts011": "Household deprivation", "ts037": "General health",
             "ts045": "Number of cars or vans", "ts059": "Hours worked", "ts067": "Highest level of qualification"}
    return column.startswith(topic[table])


def census_rate(spec: IndicatorSpec, ctx: Context) -> Result:
    """Exact sums of the declared counts, and the numerator as a percentage (0-100) of the denominator."""
    data, den = _census_frame(spec, ctx)

    def level(by: str) -> pd.DataFrame:
        frame = aggregate.sum_counts(data, numerator="numerator", denominator=den, by=by)
        return frame.assign(value=frame["value"] * 100.0)
    return {"lsoa": level("code"), **_per_level(level)}


def census_count(spec: IndicatorSpec, ctx: Context) -> Result:
    """Exact sums of the declared counts."""
    data, _ = _census_frame(spec, ctx)

    def level(by: str) -> pd.DataFrame:
        return aggregate.sum_counts(data, numerator="numerator", denominator=None, by=by)
    return {"lsoa": level("code"), **_per_level(level)}


def _lad_rows(spec: IndicatorSpec, ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    sheet, meta = ctx.once(("sheet", spec.params["sheet"], spec.params["value_column"]),
                           lambda: read_workbook_sheet(ctx.raw, spec.params["sheet"], spec.params["value_column"]))
    lads = ctx.spine.lad[["code"]].merge(sheet[["code", "value"]], on="code", how="left")
    changed = lads["code"].isin(list(CHANGED_CODES)) & lads["value"].isna()
    lads["note"] = ""
    lads.loc[changed, "note"] = lads.loc[changed, "code"].map(
        lambda c: f"No data: {CHANGED_CODES[c]} was created in April 2023 and the source uses the 2022 "
                  "districts it replaced.")
    lads.loc[lads["value"].isna() & ~changed, "note"] = "No data: no figure for this district in the source."
    return lads, sheet


def subnational(spec: IndicatorSpec, ctx: Context) -> Result:
    lads, _ = _lad_rows(spec, ctx)
    return {"lad": lads}


def subnational_ca_rows(spec: IndicatorSpec, ctx: Context) -> Result:
    """District figures, plus the figures ONS itself published for combined authorities (no re-aggregation)."""
    lads, sheet = _lad_rows(spec, ctx)
    cas = ctx.spine.ca[["code"]].merge(sheet[["code", "value"]], on="code", how="left")
    cas["note"] = cas["value"].isna().map(
        {True: "No data: ONS published this figure only for combined authorities that existed in 2023.", False: ""})
    return {"lad": lads, "ca": cas}


def els_latest_rows(spec: IndicatorSpec, ctx: Context, indicator: str) -> pd.DataFrame:
    """One indicator of the spec's Explore Local Statistics file at its latest period, refusing a period newer than
    the declaration says (the declaration's figures and wording would then be stale)."""
    ref = spec.params["file"]
    frame = ctx.once(("els", ref), lambda: read_els(ctx.raw, ref))
    rows, period = latest_els(frame, indicator)
    declared = spec.params["period"]
    if period != declared:
        raise SpecError(f"Indicator {spec.id!r}: the latest period of {indicator!r} in {ref} is {period!r}, but "
                        f"its declaration says {declared!r}. ONS has published a newer year: update params.period, "
                        "period and description in layers/indicators.toml.")
    return rows


def _els_notes(rows: pd.DataFrame, noun: str) -> pd.Series:
    """Why a figure is missing or flagged: ONS's status code, or no row for the area in the file."""
    note = pd.Series("", index=rows.index, dtype="object")
    for status, reason in ELS_STATUS.items():
        hit = rows["status"].eq(status)
        note[hit] = (rows.loc[hit, "value"].isna().map({True: "No data: ", False: ""}) + reason + ".")
    absent = rows["value"].isna() & note.eq("")
    note[absent & rows["in_file"]] = "No data: ONS left this cell empty in the file."
    note[absent & ~rows["in_file"]] = f"No data: ONS publishes no figure for this {noun} in this file."
    return note


def els_latest(spec: IndicatorSpec, ctx: Context) -> Result:
    """ONS Explore Local Statistics figures at the latest published period: districts on current codes, and the
    rows ONS itself publishes for combined authorities (never re-aggregated from districts).

    ``params.context_count`` names a count indicator of the same file and period (e.g. active businesses) shown
    beside the rate; with ``params.context_is_denominator`` it is also stored as the rate's denominator.
    """
    rows = els_latest_rows(spec, ctx, spec.params["indicator"]).drop(columns="name")
    out: Result = {}
    for level, noun in (("lad", "district"), ("ca", "combined authority")):
        if level not in spec.levels:
            continue
        frame = ctx.spine.level(level)[["code"]].merge(rows, on="code", how="left", validate="1:1")
        frame["in_file"] = frame["status"].notna()
        frame["note"] = _els_notes(frame.fillna({"status": ""}), noun)
        if "context_count" in spec.params:
            counts = els_latest_rows(spec, ctx, spec.params["context_count"]).set_index("code")["value"]
            count = frame["code"].map(counts)
            label = spec.params["context_label"]
            year = spec.params["period"][:4]
            has = count.notna()
            context = count[has].map(lambda n, label=label, year=year: f"{n:,.0f} {label} in {year} (ONS).")
            frame.loc[has, "note"] = (frame.loc[has, "note"] + " " + context).str.strip()
            if spec.params.get("context_is_denominator"):
                frame["denominator"] = count
        out[level] = frame.drop(columns=["status", "notes", "in_file"])
    return out


METHODS: dict[str, Callable[[IndicatorSpec, Context], Result]] = {
    "iod_score": iod_score,
    "iod_average_rank": iod_average_rank,
    "iod_share_of_lsoas": iod_share_of_lsoas,
    "iod_extent": iod_extent,
    "iod_local_concentration": iod_local_concentration,
    "iod_scale": iod_scale,
    "iod_published": iod_published,
    "census_rate": census_rate,
    "census_count": census_count,
    "subnational": subnational,
    "subnational_ca_rows": subnational_ca_rows,
    "els_latest": els_latest,
    **CHANGE_METHODS,  # IoD2019 -> IoD2025 movement, Census 2011 -> 2021 change (mapkit/pipeline/change_methods.py)
}
