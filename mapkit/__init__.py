"""mapkit: official English boundaries and indicators, classified and mapped for policy work."""

from mapkit.data.products import (
    ENGLAND,
    area_indicators,
    indicator_table,
    level_table,
    load_boundaries,
    load_indicator,
    load_series,
    region_kind,
    region_name,
    regions,
)
from mapkit.errors import MapkitError, ProductError, RawDataError, SpecError, UnknownNameError
from mapkit.specs.registry import LEVELS, IndicatorSpec, registry

__all__ = [
    "ENGLAND",
    "LEVELS",
    "IndicatorSpec",
    "MapkitError",
    "ProductError",
    "RawDataError",
    "SpecError",
    "UnknownNameError",
    "area_indicators",
    "indicator_table",
    "level_table",
    "load_boundaries",
    "load_indicator",
    "load_series",
    "region_kind",
    "region_name",
    "regions",
    "registry",
]
