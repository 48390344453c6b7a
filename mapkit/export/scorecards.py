"""Scorecards as one tidy CSV and as JSON (:mod:`mapkit.analysis.scorecard` computes them).

The CSV has one row per figure, under the tidy columns every table uses (``area_code, area_name, area_level,
indicator_id, indicator, period, value, unit``) after the scheme it belongs to (``scheme_id, scheme_name``, its
group and status); ``note`` says what a figure leaves out, ``source`` who published it, ``effect`` what the figures
can say about the scheme. A row about the scheme's own residents names the scheme as its area (``area_level``
"scheme"); its combined authority and England follow under their codes, the districts it sits in under theirs.
No comment lines: the method is in the JSON and in docs/scorecard.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from mapkit.analysis.scorecard import DISTRICT_MIN_SHARE, MOVES, Scorecard
from mapkit.data.products import ENGLAND, region_name
from mapkit.specs.registry import registry
from mapkit.text.csvsafe import csv_text

__all__ = ["COLUMNS", "METHOD", "scorecard_csv", "scorecard_frame", "scorecard_json", "sources"]

COLUMNS = ("scheme_id", "scheme_name", "scheme_group", "scheme_status", "area_code", "area_name", "area_level",
           "indicator_id", "indicator", "period", "value", "unit", "note", "source", "effect")
IOD_PERIOD = "IoD2019 to IoD2025"
METHOD = (
    "Residents: Census 2021 usual residents of the LSOAs counted (a scheme with a zone: the residents of its wards, "
    "LSOAs nesting in them counted whole and those straddling the edge by the share of their area inside; any "
    "other scheme: LSOAs within the distance of its points and stops, by the share of their area inside). "
    "Neighbourhoods moved: the share of those residents whose LSOA moved into or out of England's most deprived "
    "10% (IMD decile 1) or 20% (deciles 1-2) between IoD2019 and IoD2025, out of the residents of LSOAs that can "
    "be compared across the 2011 to 2021 LSOA changes; the combined authority and England from all their LSOAs. "
    "Growth: ONS's figures for the districts holding its residents, its combined authority and England, change "
    "over the period shown (percent; percentage points for rates). These describe places, not the schemes' "
    "effects."
)
_MOVE_WORDS = {key: words for key, _, _, words in MOVES}


def sources() -> list[str]:
    """The publishers and datasets behind every scorecard, one line each."""
    lines = []
    for key in ("census2021", "iod2025", "iod2019", "ons_els", "ons_lookups"):
        source = registry().sources[key]
        lines.append(f"{source.publisher}, {source.title} ({source.vintage}). {source.licence}.")
    return lines


def _source(key: str, extra: str = "") -> str:
    source = registry().sources[key]
    return f"{source.publisher}, {source.title}{extra}"


def _round(value: float | None, digits: int) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def _percent(share: float | None) -> float | None:
    return None if share is None else _round(100.0 * share, 2)


def _scopes(card: Scorecard) -> list[tuple[str, str, str, str]]:
    """(key, area_code, area_name, area_level) for the scheme, its combined authority and England."""
    scopes = [("here", card.scheme.id, card.scheme.name, "scheme")]
    if card.scheme.ca_code:
        scopes.append(("ca", card.scheme.ca_code, card.ca_name or card.scheme.ca_code, "ca"))
    return scopes + [("england", ENGLAND, "England", "england")]


def _resident_rows(card: Scorecard) -> list[dict[str, Any]]:
    census = _source("census2021")
    both = f"{census}; {_source('iod2025')}"
    rows = []
    for key, code, name, level in _scopes(card):
        moves = card.moves["scheme" if key == "here" else key]
        note = f"Residents counted {card.counted}." if key == "here" else "Every LSOA counted whole."
        rows.append((code, name, level, "residents", "Usual residents counted", "Census 2021",
                     _round(moves["residents"], 0), "people", note, census))
        for top, deciles in ((10, (1,)), (20, (1, 2))):
            rows.append((code, name, level, f"residents_most_deprived_{top}pct",
                         f"Residents in England's most deprived {top}% of LSOAs (IoD2025 IMD)", "IoD2025",
                         _percent(card.most_deprived_share(key, deciles)), "% of residents", "", both))
        not_compared = moves["not_compared"]
        gap = (f"Leaves out about {not_compared:,.0f} residents of LSOAs that cannot be compared (merged from "
               "LSOAs in different 2019 deciles, or redrawn)." if not_compared >= 0.5 else "")
        for move, _, _, words in MOVES:
            rows.append((code, name, level, f"imd_{move}pct", f"Residents whose LSOA {words}", IOD_PERIOD,
                         _percent(moves[f"{move}_share"]), "% of residents of compared LSOAs", gap,
                         _source("iod2019")))
    return [dict(zip(("area_code", "area_name", "area_level", "indicator_id", "indicator", "period", "value", "unit",
                      "note", "source"), row)) for row in rows]


def _district_rows(card: Scorecard) -> list[dict[str, Any]]:
    names = dict(zip(card.growth["area_code"], card.growth["area_name"]))
    small = set(card.small_districts.index)
    return [{"area_code": code, "area_name": names.get(code) or region_name(code), "area_level": "lad",
             "indicator_id": "scheme_residents_share",
             "indicator": "Share of the scheme's residents who live in this district", "period": "Census 2021",
             "value": _percent(share), "unit": "% of residents",
             "note": (f"Under {DISTRICT_MIN_SHARE:.0%} of its residents: the district's growth figures are left "
                      "out." if code in small else ""), "source": _source("census2021")}
            for code, share in card.districts.items()]


def _growth_rows(card: Scorecard) -> list[dict[str, Any]]:
    rows = []
    for row in card.growth.itertuples(index=False):
        spec = registry().one_series(row.series_id)
        source = _source("ons_els", f", {spec.label} (released {spec.release_date})")
        area = {"area_code": row.area_code, "area_name": row.area_name, "area_level": row.area_level}
        note = row.note or ""
        for year, value in ((row.start, row.start_value), (row.end, row.end_value)):
            rows.append({**area, "indicator_id": row.series_id, "indicator": spec.label, "period": str(year),
                         "value": _round(value, 4), "unit": spec.unit, "note": note, "source": source})
        rows.append({**area, "indicator_id": f"{row.series_id}_change",
                     "indicator": f"Change in {spec.label[0].lower()}{spec.label[1:]}",
                     "period": f"{row.start} to {row.end}", "value": _round(row.change, 2), "unit": row.unit,
                     "note": note, "source": source})
    return rows


def scorecard_frame(cards: Sequence[Scorecard]) -> pd.DataFrame:
    """Every figure of every scorecard, one row each, in :data:`COLUMNS`."""
    rows = []
    for card in cards:
        scheme = {"scheme_id": card.scheme.id, "scheme_name": card.scheme.name, "scheme_group": card.scheme.group,
                  "scheme_status": card.scheme.status_label, "effect": card.effect}
        rows += [{**scheme, **row} for row in _resident_rows(card) + _district_rows(card) + _growth_rows(card)]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def scorecard_csv(cards: Sequence[Scorecard]) -> str:
    """:func:`scorecard_frame` as spreadsheet-safe CSV text (no comment lines)."""
    return csv_text(scorecard_frame(cards))


def _card_json(card: Scorecard) -> dict[str, Any]:
    scheme = card.scheme
    scopes = _scopes(card)
    deciles = [{"decile": int(row["decile"]), "residents": _round(row["population"], 1),
                **{f"share_{key}": _percent(row[key]) for key, *_ in scopes if key in card.deciles.columns}}
               for _, row in card.deciles.iterrows()]
    movement = {}
    for key, code, name, level in scopes:
        moves = card.moves["scheme" if key == "here" else key]
        movement[key] = {"area_code": code, "area_name": name, "area_level": level,
                         "residents": _round(moves["residents"], 1), "compared": _round(moves["compared"], 1),
                         "not_compared": _round(moves["not_compared"], 1),
                         **{move: {"residents": _round(moves[move], 1),
                                   "share_pct": _percent(moves[f"{move}_share"])}
                            for move, *_ in MOVES}}
    growth = []
    for series_id, rows in card.growth.groupby("series_id", sort=False):
        spec = registry().one_series(series_id)
        growth.append({"series_id": series_id, "label": spec.label, "unit": spec.unit,
                       "change_unit": str(rows["unit"].iloc[0]), "start": int(rows["start"].iloc[0]),
                       "end": int(rows["end"].iloc[0]), "released": spec.release_date,
                       "areas": [{"area_code": r.area_code, "area_name": r.area_name, "area_level": r.area_level,
                                  "residents_share_pct": _percent(r.residents_share),
                                  "start_value": _round(r.start_value, 4), "end_value": _round(r.end_value, 4),
                                  "change": _round(r.change, 2), "note": r.note}
                                 for r in rows.itertuples(index=False)]})
    districts = [{"area_code": code, "area_name": region_name(code), "residents_share_pct": _percent(share)}
                 for code, share in card.districts.items()]
    return {
        "scheme_id": scheme.id, "scheme_name": scheme.name, "group": scheme.group, "kind": scheme.kind,
        "status": scheme.status_label, "status_text": scheme.status_text, "status_date": scheme.status_date,
        "ca_code": scheme.ca_code, "ca_name": card.ca_name,
        "effect": {"kind": card.effect_kind, "text": card.effect},
        "residents": {"counted": card.counted, "distance_km": card.distance_km,
                      "total": _round(card.residents, 1), "by_decile": deciles,
                      "lsoas": [{"code": c, "weight": _round(w, 6)}
                                for c, w in zip(card.members["code"], card.members["weight"])]},
        "movement": {"period": IOD_PERIOD, **movement},
        "districts": districts,
        "growth": growth,
    }


def scorecard_json(cards: Sequence[Scorecard]) -> str:
    """Every scorecard as JSON: the scheme, how residents were counted (with the LSOAs and their weights), the
    figures, what they can say about the scheme, the method and the sources."""
    payload = {"method": METHOD, "sources": sources(), "scorecards": [_card_json(card) for card in cards]}
    return json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
