"""Compare up to :data:`MAX_AREAS` areas of one level, anywhere in England, indicator by indicator.

For every indicator of a theme published at the level, the comparison holds each area's value, rank in England
and national decile (as shipped in ``data/``), then rows to read them against:

* the combined authority of each area (wards and districts), from the combined authority product, with the
  indicator's own note on how that figure is made (published by ONS, or computed from LSOAs as MHCLG defines it);
* the English region of each area (districts and wards) and England, as their publisher publishes them
  (:func:`mapkit.data.products.comparator_table`); where the publisher gives none, the row says so and stays empty;
* the median of England's areas of the level, labelled as a median (not an England figure).

No figure is summed, averaged or filled in here.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from mapkit.data.products import ENGLAND, comparator_table, level_table, load_boundaries
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.specs.registry import IndicatorSpec, registry
from mapkit.text.wording import median_heading

MAX_AREAS = 10
LEVELS = ("ward", "lad", "ca")
"""Levels that can be compared (LSOAs are left to the map and the ranked table)."""
ROW_KINDS = ("area", "combined authority", "region", "england", "england median")
AREA_COLOUR = "#0a58ca"
CONTEXT_COLOUR = "#6b6b6b"
MEDIAN_COLOUR = "#b0b0b0"
"""Colours of a comparison's charts (the app's and the A4 page's): compared areas, context rows, England's median."""
CONTEXT_SHORT = {"combined authority": "CA", "region": "region", "england": ""}
"""Row kinds, in the order rows are listed for an indicator."""
COLUMNS = ["indicator", "label", "unit", "period", "source", "kind", "code", "name", "value", "value_text",
           "rank_england", "n_england", "decile", "note"]

COMPARED_KINDS = ("area", "own area")
"""Rows of compared areas (the rest are context): the areas chosen, and a user's own area
(:data:`mapkit.analysis.own_area.OWN_KIND`, added by :func:`mapkit.analysis.own_area.with_own_area`)."""


@dataclasses.dataclass(frozen=True, eq=False)
class Comparison:
    """Areas of one level side by side on every indicator of a theme.

    Attributes
    ----------
    level, theme
        What is compared (``theme`` is "All themes" when every theme is).
    codes, names
        The areas, in the order chosen.
    table
        One row per indicator and row kind (:data:`ROW_KINDS`), columns :data:`COLUMNS`; ``rank_england``,
        ``n_england`` and ``decile`` are filled for areas only.
    """

    level: str
    theme: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    table: pd.DataFrame

    @property
    def indicators(self) -> list[str]:
        """Indicator ids in declaration order."""
        return list(dict.fromkeys(self.table["indicator"]))

    def rows(self, indicator: str) -> pd.DataFrame:
        """The rows of one indicator."""
        return self.table[self.table["indicator"] == indicator]

    @property
    def empty_indicators(self) -> list[str]:
        """Indicators for which none of the compared areas has a figure (folded into a note, not drawn)."""
        areas = self.table[self.table["kind"].isin(COMPARED_KINDS)]
        has = areas.groupby("indicator", sort=False)["value"].apply(lambda v: bool(v.notna().any()))
        return [i for i in self.indicators if not has.get(i, False)]

    def grid(self, column: str = "value_text") -> tuple[pd.DataFrame, list[str]]:
        """The comparison as a wide table, one row per indicator ("label (unit)") and one column per area or
        context row (cells from ``column``), and the notes that replace its empty parts: a context column with no
        figure for any indicator (e.g. England for the IoD, which MHCLG publishes for LSOAs and districts only)
        and an indicator with no figure for any compared area are left out and said once in a note."""
        table = self.table
        keys = list(zip(table["kind"], table["code"]))
        labels = dict(zip(keys, unique_labels([row_label(k, n) for k, n in zip(table["kind"], table["name"])],
                                              [c for _, c in keys])))
        empty_columns = [key for key in dict.fromkeys(keys) if key[0] not in COMPARED_KINDS
                         and table.loc[(table["kind"] == key[0]) & (table["code"] == key[1]), "value"].isna().all()]
        empty_rows = self.empty_indicators
        notes = list(dict.fromkeys(str(n) for k, c, n in zip(table["kind"], table["code"], table["note"])
                                   if (k, c) in empty_columns and n))
        if empty_rows:
            names = ", ".join(registry().indicator(i).label for i in empty_rows)
            notes.append(f"No figure for the areas compared: {names}.")
        kept = table[~pd.Series(keys, index=table.index).isin(empty_columns) & ~table["indicator"].isin(empty_rows)]
        grid = kept.assign(row=[labels[(k, c)] for k, c in zip(kept["kind"], kept["code"])],
                           indicator_label=[f"{lab} ({unit})" for lab, unit in zip(kept["label"], kept["unit"])])
        wide = grid.pivot_table(index="indicator_label", columns="row", values=column, aggfunc="first", sort=False)
        wide = wide.reindex(index=list(dict.fromkeys(grid["indicator_label"])),
                            columns=list(dict.fromkeys(grid["row"])))
        return wide.rename_axis(index="Indicator", columns=None).fillna(""), notes


def row_label(kind: str, name: str) -> str:
    """A chart row's label: the area's name, or e.g. "West Midlands (CA)" for a context row."""
    short = CONTEXT_SHORT.get(kind, "")
    return f"{name} ({short})" if short else name


def unique_labels(labels: list[str], codes: list[str]) -> list[str]:
    """``labels`` with the code added where two different areas share a label (wards called "Abbey" in several
    districts), so every area keeps a row of its own in a chart or a column in a table."""
    seen: dict[str, set[str]] = {}
    for label, code in zip(labels, codes):
        seen.setdefault(label, set()).add(code)
    return [f"{label} ({code})" if len(seen[label]) > 1 else label for label, code in zip(labels, codes)]


def themes_for(level: str) -> list[str]:
    """Themes with at least one indicator published at ``level``, in declaration order."""
    return list(dict.fromkeys(s.theme for s in registry().indicators.values() if level in s.levels))


def check_codes(codes: list[str] | tuple[str, ...], level: str) -> tuple[str, ...]:
    """``codes`` when each is one of England's areas of ``level`` (once) and there are at most :data:`MAX_AREAS`.

    Raises
    ------
    ParameterError, UnknownNameError
    """
    if level not in LEVELS:
        raise UnknownNameError(f"Areas can be compared as {', '.join(registry().boundary(v).plural for v in LEVELS)}"
                               f", not {registry().boundary(level).plural}.")
    codes = tuple(dict.fromkeys(codes))
    if len(codes) > MAX_AREAS:
        raise ParameterError(f"Compare at most {MAX_AREAS} areas at a time ({len(codes)} were chosen).")
    known = set(load_boundaries(level)["code"])
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise UnknownNameError(f"Not {registry().boundary(level).plural} of England: {', '.join(unknown[:5])}.")
    return codes


def _source(spec: IndicatorSpec) -> str:
    source = registry().sources[spec.source]
    return f"{source.publisher}, {source.title}"


def _text(spec: IndicatorSpec, value: object) -> str:
    return spec.format_value(None if pd.isna(value) else float(value))


def _int(value: object) -> object:
    return pd.NA if pd.isna(value) else int(value)


def compare(codes: list[str] | tuple[str, ...], level: str, theme: str | None = None) -> Comparison:
    """The comparison of areas ``codes`` (of ``level``) on every indicator of ``theme`` published at the level
    (``None``: every theme).

    Raises
    ------
    ParameterError, UnknownNameError
        For more than :data:`MAX_AREAS` areas, an area that is not of the level, or a theme without indicators
        at the level.
    """
    codes = check_codes(codes, level)
    reg = registry()
    specs = [s for s in reg.indicators.values() if level in s.levels and theme in (None, s.theme)]
    if not specs:
        raise UnknownNameError(f"No indicator of theme {theme!r} is published for {reg.boundary(level).plural}: "
                               f"use one of {', '.join(themes_for(level))}.")
    shapes = load_boundaries(level).set_index("code")
    names = tuple(str(shapes.at[c, "name"]) for c in codes)
    mine = level_table(level)
    mine = mine[mine["code"].isin(codes)].set_index(["indicator", "code"])
    cas = _parents(shapes, codes, level, "ca")
    rgns = _parents(shapes, codes, level, "rgn")
    ca_table = level_table("ca").set_index(["indicator", "code"]) if cas else None
    published = comparator_table().set_index(["indicator", "code"])
    medians = level_table(level).groupby("indicator")["value"].median()
    plural = reg.boundary(level).plural
    rows: list[dict] = []
    for spec in specs:
        base = {"indicator": spec.id, "label": spec.label, "unit": spec.unit, "period": spec.period,
                "source": _source(spec)}
        for code, name in zip(codes, names):
            key = (spec.id, code)
            r = mine.loc[key] if key in mine.index else None
            value = r["value"] if r is not None else float("nan")
            note = "" if r is None or pd.isna(r["note"]) else str(r["note"])
            rows.append({**base, "kind": "area", "code": code, "name": name, "value": value,
                         "value_text": _text(spec, value),
                         "rank_england": _int(r["rank"]) if r is not None and pd.notna(value) else pd.NA,
                         "n_england": _int(r["n_ranked"]) if r is not None else pd.NA,
                         "decile": _int(r["decile"]) if r is not None and pd.notna(value) else pd.NA,
                         "note": note})
        for code, name in cas:
            if "ca" not in spec.levels:
                rows.append({**base, "kind": "combined authority", "code": code, "name": name, "value": float("nan"),
                             "value_text": _text(spec, None),
                             "note": f"No combined authority figure: {spec.note_for('ca') or 'not published'}"})
                continue
            key = (spec.id, code)
            value = ca_table.at[key, "value"] if key in ca_table.index else float("nan")
            own = ca_table.at[key, "note"] if key in ca_table.index else ""
            note = " ".join(n for n in (("" if pd.isna(own) else str(own)), spec.note_for("ca")) if n)
            rows.append({**base, "kind": "combined authority", "code": code, "name": name, "value": value,
                         "value_text": _text(spec, value), "note": note})
        for code, name in [*rgns, (ENGLAND, "England")]:
            kind = "england" if code == ENGLAND else "region"
            key = (spec.id, code)
            if key in published.index:
                value = published.at[key, "value"]
                note = str(published.at[key, "note"] or "")
                note = note or f"As published by {reg.sources[spec.source].publisher}."
            else:
                value = float("nan")
                note = (f"No {'England' if kind == 'england' else 'region'} figure: "
                        f"{_no_published_reason(spec)}")
            rows.append({**base, "kind": kind, "code": code, "name": name, "value": value,
                         "value_text": _text(spec, value), "note": note})
        median = medians.get(spec.id, float("nan"))
        rows.append({**base, "kind": "england median", "code": ENGLAND, "name": median_heading(plural),
                     "value": median, "value_text": _text(spec, median),
                     "note": f"The middle value of England's {plural}, not a figure for England."})
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("rank_england", "n_england", "decile"):
        table[column] = table[column].astype("Int64")
    table["value"] = pd.to_numeric(table["value"], errors="coerce")
    return Comparison(level=level, theme=theme or "All themes", codes=codes, names=names, table=table)


def _no_published_reason(spec: IndicatorSpec) -> str:
    """Why an England or region row is empty, in the publisher's terms."""
    if spec.source == "iod2025":
        return "MHCLG publishes IoD2025 figures for LSOAs and local authority districts, not for England or regions."
    if spec.source == "census2021":
        return ("the Census 2021 tables used here are Output Area counts; the England and region tables ONS "
                "publishes are not among this map's inputs.")
    return f"{registry().sources[spec.source].publisher} publishes none in the file this map uses."


def _parents(shapes: pd.DataFrame, codes: tuple[str, ...], level: str, parent: str) -> list[tuple[str, str]]:
    """Distinct (code, name) of the areas' combined authorities (``ca``) or regions (``rgn``), in first-seen order."""
    if level == "ca":
        return []
    if parent == "rgn" and level == "ward":
        lads = load_boundaries("lad").set_index("code")
        pairs = [(lads.at[c, "rgn_code"], lads.at[c, "rgn_name"]) for c in shapes.loc[list(codes), "lad_code"]]
    else:
        pairs = list(zip(shapes.loc[list(codes), f"{parent}_code"], shapes.loc[list(codes), f"{parent}_name"]))
    return list(dict.fromkeys((str(c), str(n)) for c, n in pairs if pd.notna(c) and str(c)))
