"""``python -m mapkit build-data``: raw official files -> ``data/`` products, all or nothing.

Everything is written to a staging folder beside ``data/``, read back and validated, and only then moved into
place, so a failed or interrupted build never leaves a partial product over a good one.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from mapkit.pipeline.attribution import attribution_markdown
from mapkit.pipeline.boundaries import build_boundary
from mapkit.pipeline.comparators import build_comparators
from mapkit.pipeline.geography import build_spine
from mapkit.pipeline.hexmaps import build_hexmaps, validate_hexmaps
from mapkit.pipeline.indicators import build_indicators
from mapkit.pipeline.iod_check import district_comparison, rule_summary
from mapkit.pipeline.methods import Context
from mapkit.pipeline.postcodes import build_postcodes
from mapkit.pipeline.raw import DEFAULT_RAW, RawInputs, download_all
from mapkit.pipeline.series import build_series
from mapkit.errors import RawDataError
from mapkit.data.io import read_product, replace_tree
from mapkit.specs.registry import Registry
from mapkit.specs.registry import registry as default_registry

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "data"


def build_data(*, raw: Path | None = None, out: Path = DEFAULT_OUT, download: bool = False,
               mirror: str | None = None, cache: Path | None = None, registry: Registry | None = None,
               log=print) -> dict:
    """Build every product; return the build report. Raises a ``MapkitError`` naming the fix on bad input."""
    registry = registry or default_registry()
    if download:
        cache = cache or out / ".cache" / "raw"
        log(f"Downloading sources into {cache} ...")
        raw = download_all(registry, cache, mirror=mirror)
    raw = Path(raw) if raw else DEFAULT_RAW
    if not raw.is_dir():
        raise RawDataError(f"Raw folder {raw} does not exist. Pass --raw DIR (the folder described by "
                           "shared/data/raw/SOURCES.md) or use --download.")
    inputs = RawInputs(root=raw, registry=registry)
    log(f"Reading lookups from {raw} ...")
    spine = build_spine(inputs)

    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        report = _build_into(staging, inputs, spine, registry, log)
        _validate(staging, registry, report)
        replace_tree(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"Wrote products to {out}")
    return report


def _build_into(staging: Path, inputs: RawInputs, spine, registry: Registry, log) -> dict:
    report: dict = {"boundaries": {}, "indicators": {}, "joins": {}}
    for spec in registry.boundaries.values():
        log(f"Boundaries: {spec.plural} ...")
        frame, info = build_boundary(inputs, spec, spine, registry)
        dest = staging / spec.product
        dest.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(dest, index=False, compression="zstd", write_covering_bbox=False)
        report["boundaries"][spec.id] = info
    log("Indicators ...")
    ctx = Context(raw=inputs, spine=spine)
    tables, coverage = build_indicators(registry, ctx)
    _write_levels(staging / "indicators", tables)
    report["indicators"] = {"coverage": coverage, "rows": {lvl: len(t) for lvl, t in tables.items()}}
    log("Time series ...")
    series_tables, series_coverage = build_series(registry, ctx)
    _write_levels(staging / "series", series_tables)
    report["series"] = {"coverage": series_coverage, "rows": {lvl: len(t) for lvl, t in series_tables.items()}}
    comparators = build_comparators(registry, ctx)
    comparators.to_parquet(staging / "indicators" / "comparators.parquet", index=False, compression="zstd")
    report["comparators"] = {"rows": len(comparators), "indicators": sorted(comparators["indicator"].unique())}
    lsoa_codes = set(spine.lsoa["code"])
    report["joins"] = {
        "lsoa_to_ward_lookup": f"{spine.lsoa['ward_code'].notna().sum()}/{len(lsoa_codes)} LSOAs have a ward",
        "wards_without_lsoa": spine.notes["wards_without_lsoa"],
        "lsoa_lad_differs_from_bestfit_lookup": spine.notes["lsoa_lad_differs_from_bestfit_lookup"],
        "lads_in_a_combined_authority": int(spine.lad["ca_code"].notna().sum()),
    }
    report["unmatched_codes"] = _unmatched(tables)
    log("IoD2025: comparing district summaries computed from LSOAs with File 10 ...")
    report["iod_district_check"] = district_comparison(registry, ctx)
    report["iod_denominator_rules"] = {
        "used": ctx.denominator_rule,
        "lsoas_by_outcome": ctx.denominators()["denominator_rule"].value_counts().to_dict(),
        "compared": rule_summary(registry, ctx),
    }
    log("Hex maps: districts on Open Innovations' layout, ward layouts per region ...")
    report["hexmaps"] = build_hexmaps(inputs, staging, tables["lad"])
    log("Postcodes ...")
    report["postcodes"] = build_postcodes(inputs, spine.lsoa.set_index("code")["lad_code"], staging)
    report["sources"] = inputs.used
    (staging / "build_report.json").write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n",
                                               encoding="utf-8")
    (staging / "ATTRIBUTION.md").write_text(attribution_markdown(registry, report), encoding="utf-8")
    return report


def _unmatched(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, list[str]]]:
    """Areas left without a value, per level and indicator (they stay in the products as no data)."""
    out: dict[str, dict[str, list[str]]] = {}
    for level, table in tables.items():
        missing = table[table["value"].isna()]
        out[level] = {ind: sorted(g["code"].tolist()) for ind, g in missing.groupby("indicator")}
    return out


def _validate(staging: Path, registry: Registry, report: dict) -> None:
    """Read every staged product back and check it is complete before anything replaces ``data/``."""
    for spec in registry.boundaries.values():
        frame = read_product(staging / spec.product)
        if len(frame) != spec.expected_count or frame.crs is None or frame.crs.to_epsg() != 4326:
            raise RawDataError(f"Staged {spec.product} failed validation ({len(frame)} rows, crs {frame.crs}); "
                               "data/ was left unchanged.")
    for level, rows in report["indicators"]["rows"].items():
        frame = read_product(staging / "indicators" / f"{level}.parquet")
        if len(frame) != rows:
            raise RawDataError(f"Staged indicators/{level}.parquet failed validation; data/ was left unchanged.")
    for level, rows in report.get("series", {}).get("rows", {}).items():
        frame = read_product(staging / "series" / f"{level}.parquet")
        if len(frame) != rows:
            raise RawDataError(f"Staged series/{level}.parquet failed validation; data/ was left unchanged.")
    validate_hexmaps(staging, report["hexmaps"])


def _write_levels(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """One zstd Parquet product per level (``<folder>/<level>.parquet``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for level, table in tables.items():
        table.to_parquet(folder / f"{level}.parquet", index=False, compression="zstd")
