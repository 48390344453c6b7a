"""Boundary products: official BSC layers, generalised as a coverage and joined to the geography spine.

Simplification runs on the whole coverage at once (``shapely.coverage_simplify``) after reprojection to
EPSG:4326, so each shared edge is simplified once and neighbours cannot gap or overlap. (Reprojecting *after*
simplifying, or rounding coordinates, was measured to break exact edge sharing, so neither is done here.)
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from mapkit.pipeline.geography import Spine
from mapkit.pipeline.raw import RawInputs
from mapkit.errors import RawDataError
from mapkit.data.io import WGS84, read_vector
from mapkit.specs.registry import BoundarySpec

_PREFIX = {"ca": "E47", "lad": "E0", "ward": "E05", "lsoa": "E01"}


METRES_PER_DEGREE = 111_320.0


def generalise(geoms: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Coverage-simplify WGS84 polygons with a tolerance given in metres (converted at one metre per
    1/111,320 degree, which is conservative east-west); keep the original of any polygon that would become
    invalid or empty."""
    simplified = shapely.coverage_simplify(geoms, tolerance_m / METRES_PER_DEGREE)
    bad = ~shapely.is_valid(simplified) | shapely.is_empty(simplified)
    simplified[bad] = geoms[bad]
    return simplified


def build_boundary(raw: RawInputs, spec: BoundarySpec, spine: Spine, registry) -> tuple[gpd.GeoDataFrame, dict]:
    """Read, filter to England, generalise, reproject and join parents for one level."""
    path = raw.path(spec.source)
    frame = read_vector(path, [spec.code, spec.name])
    frame = frame[frame[spec.code].astype(str).str.startswith(_PREFIX[spec.id])]
    frame = frame.rename(columns={spec.code: "code", spec.name: "name"})[["code", "name", "geometry"]]
    if frame["code"].duplicated().any():
        dups = frame.loc[frame["code"].duplicated(), "code"].head(5).tolist()
        raise RawDataError(f"{path}: duplicate area codes {dups}. Use the official layer, one row per area.")
    n_before = int(shapely.get_num_coordinates(frame.geometry.values).sum())
    frame = frame.to_crs(WGS84)
    geoms = generalise(frame.geometry.values, spec.tolerance_m)
    area_change = float(np.abs(shapely.area(geoms) / shapely.area(frame.geometry.values) - 1).max())
    frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        frame.loc[invalid, "geometry"] = shapely.make_valid(frame.geometry.values[invalid.values])

    attrs = spine.level(spec.id).drop(columns=["name"], errors="ignore")
    joined = frame.merge(attrs, on="code", how="left", validate="1:1")
    codes_geo, codes_lu = set(frame["code"]), set(spine.level(spec.id)["code"])
    report = {
        "features": len(joined),
        "expected": spec.expected_count,
        "coordinates_in": n_before,
        "coordinates_out": int(shapely.get_num_coordinates(joined.geometry.values).sum()),
        "max_area_change": round(area_change, 5),
        "made_valid": int(invalid.sum()),
        "codes_not_in_lookup": sorted(codes_geo - codes_lu),
        "lookup_codes_without_geometry": sorted(codes_lu - codes_geo),
    }
    if len(joined) != spec.expected_count:
        raise RawDataError(
            f"{path}: {len(joined)} English {spec.plural} found, {spec.expected_count} expected for the "
            f"{spec.vintage} boundaries. Use the {spec.vintage} layer named in layers/sources.toml."
        )
    if report["codes_not_in_lookup"] or report["lookup_codes_without_geometry"]:
        raise RawDataError(
            f"{path}: area codes do not join the lookups ({len(report['codes_not_in_lookup'])} boundary codes "
            f"not in the lookup, e.g. {report['codes_not_in_lookup'][:3]}; "
            f"{len(report['lookup_codes_without_geometry'])} lookup codes without a boundary, e.g. "
            f"{report['lookup_codes_without_geometry'][:3]}). Boundaries and lookups must share a vintage."
        )
    if joined.geometry.is_empty.any() or not joined.geometry.is_valid.all():
        raise RawDataError(f"{path}: generalisation produced empty or invalid polygons; lower tolerance_m for "
                           f"level {spec.id!r} in layers/boundaries.toml.")
    return joined.sort_values("code").reset_index(drop=True), report
