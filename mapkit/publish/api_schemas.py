"""JSON Schemas (draft 2020-12) of the static API's documents (``api/v1``, :mod:`mapkit.publish.api`).

They are published with the API (``api/v1/schemas/<name>.schema.json``) and printed in ``docs/api.md``; the tests
validate every published document against them, from a plain HTTP server.
"""

from __future__ import annotations

from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_CODE = {"type": "string", "pattern": "^E[0-9]{8}$"}
_LEVEL = {"enum": ["ca", "lad", "ward", "lsoa"]}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
_COUNT_OR_NULL = {"type": ["integer", "null"], "minimum": 1}
_RELATIVE = {"type": "string", "pattern": "^[a-z0-9_]+/[A-Za-z0-9_./-]+$"}
_SOURCE = {
    "type": "object",
    "required": ["publisher", "title", "vintage", "licence", "attribution"],
    "properties": {"publisher": {"type": "string"}, "title": {"type": "string"}, "vintage": {"type": "string"},
                   "licence": {"type": "string"}, "licence_url": {"type": ["string", "null"]},
                   "attribution": {"type": "string"}, "urls": {"type": "array", "items": {"type": "string"}}},
}

INDICATORS: dict[str, Any] = {
    "$schema": DRAFT,
    "$id": "indicators.schema.json",
    "title": "api/v1/indicators.json: every indicator the site publishes, with its sources and where its data are",
    "type": "object",
    "required": ["api", "schema", "published", "sources", "levels", "regions", "indicators"],
    "properties": {
        "api": {"const": "v1"},
        "schema": {"type": "string", "description": "The tidy table schema the CSV files follow (README)."},
        "published": {"type": "string", "format": "date"},
        "sources": {"type": "object", "additionalProperties": _SOURCE},
        "levels": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["label", "singular"],
            "properties": {"label": {"type": "string"}, "singular": {"type": "string"}}}},
        "regions": {"type": "array", "items": {
            "type": "object", "required": ["code", "name", "kind"],
            "properties": {"code": _CODE, "name": {"type": "string"}, "kind": {"enum": ["england", "ca", "lad"]}}}},
        "indicators": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "label", "theme", "description", "unit", "period", "higher_is", "rank_one",
                         "decimals", "source", "series", "data"],
            "properties": {
                "id": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                "label": {"type": "string"}, "theme": {"type": "string"}, "description": {"type": "string"},
                "unit": {"type": "string"}, "period": {"type": "string"},
                "higher_is": {"enum": ["worse", "better", "neutral"]},
                "rank_one": {"enum": ["most deprived", "highest", "lowest"],
                             "description": "What rank 1 and decile 1 are."},
                "decimals": {"type": "integer", "minimum": 0},
                "source": {"type": "string", "description": "A key of `sources`."},
                "series": {"oneOf": [{"type": "null"}, {
                    "type": "object", "required": ["id", "release_date", "notes"],
                    "properties": {"id": {"type": "string"}, "release_date": {"type": "string", "format": "date"},
                                   "notes": {"type": "array", "items": {"type": "string"}}}}]},
                "data": {"type": "object", "minProperties": 1, "propertyNames": _LEVEL,
                         "additionalProperties": _RELATIVE,
                         "description": "Per level, the stable address of api/v1/{level}/{indicator}.json."},
            }}},
    },
}

INDICATOR_LEVEL: dict[str, Any] = {
    "$schema": DRAFT,
    "$id": "indicator_level.schema.json",
    "title": "api/v1/{level}/{indicator}.json: one indicator at one level, with its data per region",
    "type": "object",
    "required": ["api", "indicator_id", "indicator", "unit", "period", "area_level", "rank_one", "sources",
                 "regions"],
    "properties": {
        "api": {"const": "v1"},
        "indicator_id": {"type": "string"}, "indicator": {"type": "string"}, "unit": {"type": "string"},
        "period": {"type": "string"}, "area_level": _LEVEL, "rank_one": {"type": "string"},
        "sources": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "regions": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["code", "name", "rows", "json", "csv"],
            "properties": {"code": _CODE, "name": {"type": "string"}, "rows": {"type": "integer", "minimum": 0},
                           "json": {"type": "string", "pattern": r"\.[0-9a-f]{16}\.json$"},
                           "csv": {"type": "string", "pattern": r"\.[0-9a-f]{16}\.csv$"}}}},
    },
}

DATA: dict[str, Any] = {
    "$schema": DRAFT,
    "$id": "data.schema.json",
    "title": "api/v1/{level}/{indicator}/{region}.{hash}.json: the tidy table of one indicator for one region",
    "description": ("The rows of the tidy CSV beside it: the columns that are the same on every row are given once "
                    "in `constants`; `columns` names the cells of each row of `rows`."),
    "type": "object",
    "required": ["api", "schema", "title", "region", "constants", "columns", "rows", "sources", "caveats"],
    "properties": {
        "api": {"const": "v1"}, "schema": {"type": "string"}, "title": {"type": "string"},
        "region": {"type": "object", "required": ["code", "name"],
                   "properties": {"code": _CODE, "name": {"type": "string"}}},
        "constants": {"type": "object",
                      "required": ["area_level", "indicator_id", "indicator", "period", "unit", "source"],
                      "additionalProperties": {"type": "string"}},
        "columns": {"type": "array", "prefixItems": [{"const": "area_code"}, {"const": "area_name"},
                                                     {"const": "value"}],
                    "items": {"enum": ["rank_in_england", "areas_ranked_in_england", "decile_in_england",
                                       "rank_in_region", "numerator", "denominator", "note"]}},
        "rows": {"type": "array", "items": {
            "type": "array", "minItems": 3,
            "prefixItems": [_CODE, {"type": "string"}, _NUMBER_OR_NULL],
            "items": {"type": ["number", "string", "null"]}}},
        "sources": {"type": "array", "items": {"type": "string"}},
        "method": {"type": "string"},
        "caveats": {"type": "array", "items": {"type": "string"}},
    },
}

AREA: dict[str, Any] = {
    "$schema": DRAFT,
    "$id": "area.schema.json",
    "title": "api/v1/areas/{code}.json: every indicator for one area, with its ranks and sources",
    "type": "object",
    "required": ["api", "code", "name", "level", "parents", "indicators", "sources"],
    "properties": {
        "api": {"const": "v1"}, "code": _CODE, "name": {"type": "string"}, "level": _LEVEL,
        "parents": {"type": "object", "propertyNames": {"enum": ["ward", "lad", "ca", "rgn"]},
                    "additionalProperties": {"type": "object", "required": ["code", "name"],
                                             "properties": {"code": _CODE, "name": {"type": "string"}}}},
        "indicators": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "value", "rank_in_england", "areas_ranked_in_england", "decile_in_england",
                         "source"],
            "properties": {"id": {"type": "string"}, "value": _NUMBER_OR_NULL, "rank_in_england": _COUNT_OR_NULL,
                           "areas_ranked_in_england": _COUNT_OR_NULL,
                           "decile_in_england": {"type": ["integer", "null"], "minimum": 1, "maximum": 10},
                           "note": {"type": "string"}, "source": {"type": "string"}},
            "additionalProperties": False}},
        "sources": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}

SCHEMAS: dict[str, dict[str, Any]] = {"indicators": INDICATORS, "indicator_level": INDICATOR_LEVEL, "data": DATA,
                                      "area": AREA}
"""By name: ``api/v1/schemas/<name>.schema.json``."""
