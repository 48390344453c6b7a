"""Frozen, validated specifications loaded from the declarations in ``layers/``.

Analysts add an indicator, a boundary level or a source by editing TOML, not Python; these classes check
each declaration when it is loaded and name every missing or wrong field.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from mapkit.errors import SpecError, UnknownNameError


def _layers_dir() -> Path:
    """``layers/`` of the checkout this package runs from, else the copy installed with it (``mapkit/declarations``,
    see pyproject.toml)."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent / "layers"
    return checkout if (checkout / "indicators.toml").is_file() else package / "declarations"


LAYERS_DIR = _layers_dir()
"""The declarations: indicators, boundaries, sources and overlays."""
LEVELS: tuple[str, ...] = ("ca", "lad", "ward", "lsoa")
SERIES_MAP_LEVELS: tuple[str, ...] = ("lad", "ca")
"""Map levels at which ONS time series are published (Explore Local Statistics has rows for districts and combined
authorities, not wards or LSOAs): the one place this rule is written (:meth:`Registry.series_at`)."""
DIRECTIONS: tuple[str, ...] = ("worse", "better", "neutral")
UNIT_KINDS: dict[str, tuple[str, ...]] = {
    "percent": ("%", "% of people", "% of households", "% of LSOAs", "% of population", "% of residents",
                "% of working-age residents", "% of working-age people",
                "% of people aged 16-64", "% of economically active people aged 16+", "% of active enterprises",
                "% of active enterprises with 10+ employees", "% of premises",
                "% of businesses born in the year"),
    "count": ("people", "households", "enterprises"),
    "deprived count": ("income-deprived people", "employment-deprived people"),
    "rank": ("rank", "average rank, higher = more deprived"),
    "score": ("score",),
    "money": ("£ per hour", "£ per week", "£ per head", "£ per filled job", "£ per head (2019 money value)"),
    "rate per 1,000": ("per 1,000 dwellings",),
    "change": ("% change", "percentage points", "percentiles", "deciles", "LSOAs, net change"),
}
"""Every unit a declaration may use, by kind. Shares and rates are percentages 0-100 and their unit starts with
"%"; no share is stored as a 0-1 proportion. A "count" is a size and is never ranked as better or worse; a
"deprived count" is MHCLG's scale measure (people deprived), which MHCLG itself ranks, 1 = the most. A "change" is a
difference between two editions or years (it may be negative; maps centre it on zero)."""
UNITS: dict[str, str] = {unit: kind for kind, units in UNIT_KINDS.items() for unit in units}


def _require(kind: str, ident: str, record: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    missing = [f for f in fields if record.get(f) in (None, "", [], ())]
    if missing:
        raise SpecError(
            f"{kind} {ident!r} in layers/ is missing {', '.join(missing)}: add "
            f"{'these fields' if len(missing) > 1 else 'this field'} to its declaration."
        )


@dataclasses.dataclass(frozen=True)
class SourceFile:
    """One official file: where the pipeline finds it under the raw folder, and its publisher's URL."""

    key: str
    path: str
    title: str
    url: str

    def __post_init__(self) -> None:
        _require("Source file", self.key, dataclasses.asdict(self), ("path", "title", "url"))
        if not self.url.startswith("https://"):
            raise SpecError(f"Source file {self.key!r} has url {self.url!r}: use the publisher's https URL.")


@dataclasses.dataclass(frozen=True)
class SourceSpec:
    """A publisher's dataset with the attribution line every map and export must carry."""

    key: str
    publisher: str
    title: str
    vintage: str
    licence: str
    attribution: str
    files: Mapping[str, SourceFile]

    def __post_init__(self) -> None:
        fields = ("publisher", "title", "vintage", "licence", "attribution", "files")
        _require("Source", self.key, dataclasses.asdict(self), fields)


@dataclasses.dataclass(frozen=True)
class BoundarySpec:
    """One boundary level: which official layer it comes from and how it is generalised."""

    id: str
    label: str
    plural: str
    source: str
    code: str
    name: str
    vintage: str
    expected_count: int
    tolerance_m: float
    product: str

    def __post_init__(self) -> None:
        fields = tuple(f.name for f in dataclasses.fields(self))
        _require("Boundary level", self.id, dataclasses.asdict(self), fields)
        if self.id not in LEVELS:
            raise SpecError(f"Boundary level {self.id!r}: id must be one of {', '.join(LEVELS)}.")


@dataclasses.dataclass(frozen=True)
class IndicatorSpec:
    """What an indicator means, how to show it, and where its figures come from."""

    id: str
    label: str
    theme: str
    description: str
    unit: str
    number_format: str
    higher_is: str
    levels: tuple[str, ...]
    source: str
    period: str
    palette: str
    method: str
    params: Mapping[str, Any]
    level_notes: Mapping[str, str]
    national_deciles: bool = False
    series: str = ""
    """Id of the ONS time series (``layers/series.toml``) whose latest year this indicator is, or empty."""
    decimals: int | None = None
    """Decimal places the publisher gives this measure (MHCLG's File 10, ONS's Census tables): tables and the API
    write values rounded to them. ``None`` for an indicator with a ``series``, whose places are ONS's
    (:func:`mapkit.data.series.written_decimals`)."""

    def __post_init__(self) -> None:
        fields = ("label", "theme", "description", "unit", "number_format", "higher_is", "levels",
                  "source", "period", "palette", "method")
        _require("Indicator", self.id, dataclasses.asdict(self), fields)
        if self.higher_is not in DIRECTIONS:
            raise SpecError(
                f"Indicator {self.id!r}: higher_is is {self.higher_is!r}; use one of {', '.join(DIRECTIONS)}."
            )
        if self.unit not in UNITS:
            raise SpecError(f"Indicator {self.id!r}: unit {self.unit!r} is not known; use one of: "
                            f"{', '.join(repr(u) for u in UNITS)} (or add it to UNIT_KINDS in "
                            "mapkit/specs/registry.py).")
        if UNITS[self.unit] == "percent" and "%}" in self.number_format:
            raise SpecError(f"Indicator {self.id!r}: unit {self.unit!r} is a percentage stored 0-100, so its "
                            f"number_format must not multiply by 100 ({self.number_format!r}); use '{{:.1f}}%'.")
        unknown = [lvl for lvl in self.levels if lvl not in LEVELS]
        if unknown:
            raise SpecError(f"Indicator {self.id!r}: unknown level(s) {unknown}; use {', '.join(LEVELS)}.")
        if self.decimals is not None and (isinstance(self.decimals, bool) or not isinstance(self.decimals, int)
                                          or not 0 <= self.decimals <= 6):
            raise SpecError(f"Indicator {self.id!r}: decimals is {self.decimals!r}; use a whole number from 0 to 6 "
                            "(the decimal places the publisher gives the measure).")
        try:
            self.number_format.format(1.5)
        except (ValueError, IndexError, KeyError) as exc:
            raise SpecError(
                f"Indicator {self.id!r}: number_format {self.number_format!r} is not a Python format "
                f"string such as '{{:.1f}}' ({exc})."
            ) from None

    def format_value(self, value: float | None) -> str:
        """The value as text in the declared format (which carries the unit symbol), or "no data"."""
        if value is None or value != value:
            return "no data"
        return self.number_format.format(value)

    @property
    def unit_kind(self) -> str:
        """What the declared unit measures: "percent", "count", "rank", "score", "money", ..."""
        return UNITS[self.unit]

    def note_for(self, level: str) -> str:
        """Why this indicator is or is not available at ``level`` (empty when nothing needs saying)."""
        return self.level_notes.get(level, "")


@dataclasses.dataclass(frozen=True)
class SeriesSpec:
    """One ONS time series: every published year of one indicator of an Explore Local Statistics file.

    ``label``, ``subtitle``, ``decimal_places``, ``release_date``, ``experimental`` and ``caveats`` are ONS's own,
    copied from the JSON metadata kept with the file; ``england_code`` is the code of the file's England row.
    """

    id: str
    ons_indicator: str
    file: str
    label: str
    subtitle: str
    unit: str
    number_format: str
    decimal_places: int
    source: str
    release_date: str
    experimental: bool
    england_code: str
    caveats: str = ""
    revision_note: str = ""
    real_terms: str = ""

    def __post_init__(self) -> None:
        fields = ("ons_indicator", "file", "label", "unit", "number_format", "source", "release_date",
                  "england_code")
        _require("Series", self.id, dataclasses.asdict(self), fields)
        if self.unit not in UNITS:
            raise SpecError(f"Series {self.id!r}: unit {self.unit!r} is not known; use one of: "
                            f"{', '.join(repr(u) for u in UNITS)} (or add it to UNIT_KINDS in "
                            "mapkit/specs/registry.py).")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.release_date):
            raise SpecError(f"Series {self.id!r}: release_date {self.release_date!r} must be written YYYY-MM-DD.")
        try:
            self.number_format.format(1.5)
        except (ValueError, IndexError, KeyError) as exc:
            raise SpecError(f"Series {self.id!r}: number_format {self.number_format!r} is not a Python format "
                            f"string such as '{{:.1f}}' ({exc}).") from None

    @property
    def unit_kind(self) -> str:
        """What the unit measures: "percent", "money", "count", ..."""
        return UNITS[self.unit]

    @property
    def change_in_points(self) -> bool:
        """True for percentages, whose change is read in percentage points rather than as a percent change."""
        return self.unit_kind == "percent"

    def format_value(self, value: float | None) -> str:
        """The value in the declared format, or "no data"."""
        if value is None or value != value:
            return "no data"
        return self.number_format.format(value)


@dataclasses.dataclass(frozen=True)
class Registry:
    """Every declaration, keyed by id, in declaration order."""

    sources: Mapping[str, SourceSpec]
    boundaries: Mapping[str, BoundarySpec]
    indicators: Mapping[str, IndicatorSpec]
    series: Mapping[str, SeriesSpec] = dataclasses.field(default_factory=dict)

    def one_series(self, series_id: str) -> SeriesSpec:
        """The declaration of series ``series_id``."""
        try:
            return self.series[series_id]
        except KeyError:
            raise UnknownNameError(f"Unknown series {series_id!r}: use one of {', '.join(self.series)} "
                                   "(declared in layers/series.toml).") from None

    def series_for(self, indicator_id: str) -> SeriesSpec | None:
        """The time series an indicator is the latest year of, or ``None``."""
        ident = self.indicator(indicator_id).series
        return self.series.get(ident) if ident else None

    def series_at(self, indicator_id: str, level: str) -> SeriesSpec | None:
        """The time series of an indicator at a map level (:data:`SERIES_MAP_LEVELS`), or ``None``: years and
        changes are offered only where this is not ``None``."""
        return self.series_for(indicator_id) if level in SERIES_MAP_LEVELS else None

    def indicator(self, indicator_id: str) -> IndicatorSpec:
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise UnknownNameError(
                f"Unknown indicator {indicator_id!r}: run `python -m mapkit indicators` to list the ids."
            ) from None

    def boundary(self, level: str) -> BoundarySpec:
        try:
            return self.boundaries[level]
        except KeyError:
            raise UnknownNameError(f"Unknown level {level!r}: use one of {', '.join(LEVELS)}.") from None

    def source_file(self, ref: str) -> SourceFile:
        """Resolve ``"source.file"`` (as written in declarations) to its file."""
        source_key, _, file_key = ref.partition(".")
        try:
            return self.sources[source_key].files[file_key]
        except KeyError:
            raise SpecError(f"Declaration refers to source file {ref!r}, which sources.toml does not define.") from None

    def source_for(self, indicator_id: str) -> SourceSpec:
        return self.sources[self.indicator(indicator_id).source]


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SpecError(f"Declaration file {path} is missing: restore it from git.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"Declaration file {path} is not valid TOML ({exc}): fix the line named.") from None


def _sources(raw: dict[str, Any]) -> dict[str, SourceSpec]:
    out = {}
    for key, rec in raw.get("sources", {}).items():
        rec = {**rec, "key": key}
        rec["files"] = {fk: SourceFile(**_known(SourceFile, {**fv, "key": f"{key}.{fk}"}, f"Source file {key}.{fk}"))
                        for fk, fv in rec.get("files", {}).items()}
        out[key] = SourceSpec(**_known(SourceSpec, rec, f"Source {key!r}"))
    return out


def _known(cls: type, rec: dict[str, Any], where: str) -> dict[str, Any]:
    """Check a TOML record against the dataclass fields before construction: unknown and missing names."""
    fields = dataclasses.fields(cls)
    names = {f.name for f in fields}
    extra = set(rec) - names
    if extra:
        raise SpecError(f"{where} has unknown field(s) {sorted(extra)}; known fields are {sorted(names)}.")
    missing = [f.name for f in fields if f.name not in rec and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]
    if missing:
        raise SpecError(f"{where} in layers/ is missing {', '.join(missing)}: add "
                        f"{'these fields' if len(missing) > 1 else 'this field'} to its declaration.")
    return rec


def load_registry(layers_dir: Path = LAYERS_DIR) -> Registry:
    """Read and validate ``sources.toml``, ``boundaries.toml`` and ``indicators.toml``."""
    sources = _sources(_load_toml(layers_dir / "sources.toml"))
    boundaries = {}
    for rec in _load_toml(layers_dir / "boundaries.toml").get("level", []):
        spec = BoundarySpec(**_known(BoundarySpec, dict(rec), f"Boundary level {rec.get('id')!r}"))
        boundaries[spec.id] = spec
    indicators = {}
    for rec in _load_toml(layers_dir / "indicators.toml").get("indicator", []):
        rec = dict(rec)
        ident = rec.get("id", "<no id>")
        rec.setdefault("params", {})
        rec.setdefault("level_notes", {})
        rec["levels"] = tuple(rec.get("levels", ()))
        spec = IndicatorSpec(**_known(IndicatorSpec, rec, f"Indicator {ident!r}"))
        if spec.id in indicators:
            raise SpecError(f"Indicator id {spec.id!r} is declared twice in indicators.toml: rename one.")
        if spec.source not in sources:
            raise SpecError(f"Indicator {spec.id!r} names source {spec.source!r}, not defined in sources.toml.")
        indicators[spec.id] = spec
    series = _series(layers_dir / "series.toml", sources)
    for spec in indicators.values():
        if spec.series and spec.series not in series:
            raise SpecError(f"Indicator {spec.id!r} names series {spec.series!r}, not declared in series.toml.")
    return Registry(sources=sources, boundaries=boundaries, indicators=indicators, series=series)


def _series(path: Path, sources: Mapping[str, SourceSpec]) -> dict[str, SeriesSpec]:
    """``series.toml`` (optional: a layers folder without it declares no series)."""
    if not path.is_file():
        return {}
    out: dict[str, SeriesSpec] = {}
    for rec in _load_toml(path).get("series", []):
        spec = SeriesSpec(**_known(SeriesSpec, dict(rec), f"Series {rec.get('id', '<no id>')!r}"))
        if spec.id in out:
            raise SpecError(f"Series id {spec.id!r} is declared twice in series.toml: rename one.")
        source, _, file_key = spec.file.partition(".")
        if source not in sources or file_key not in sources[source].files:
            raise SpecError(f"Series {spec.id!r} names file {spec.file!r}, not declared in sources.toml.")
        out[spec.id] = spec
    for spec in out.values():
        if spec.real_terms and spec.real_terms not in out:
            raise SpecError(f"Series {spec.id!r}: real_terms names {spec.real_terms!r}, not a declared series.")
    return out


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The project's registry, loaded once per process."""
    return load_registry()


# --- Overlays (layers/overlays.toml) -------------------------------------------------------------------------
# Self-contained: the classes above do not depend on anything below.

OVERLAY_GEOMETRY_TYPES: tuple[str, ...] = ("Point", "LineString", "MultiPolygon")


@dataclasses.dataclass(frozen=True)
class OverlaySpec:
    """One overlay group (growth locations, transport schemes): its GeoJSON file and what it is drawn from."""

    id: str
    label: str
    kind: str
    file: str
    geometry_types: tuple[str, ...]
    noun: str
    noun_plural: str
    description: str
    source: str
    licence: str
    attribution: str

    def __post_init__(self) -> None:
        fields = tuple(f.name for f in dataclasses.fields(self))
        _require("Overlay", self.id, dataclasses.asdict(self), fields)
        unknown = [g for g in self.geometry_types if g not in OVERLAY_GEOMETRY_TYPES]
        if unknown:
            raise SpecError(f"Overlay {self.id!r}: geometry type(s) {unknown} are not drawn; use "
                            f"{', '.join(OVERLAY_GEOMETRY_TYPES)}.")
        if not self.file.endswith(".geojson"):
            raise SpecError(f"Overlay {self.id!r}: file {self.file!r} must be a .geojson path relative to layers/.")

    def path(self, layers_dir: Path = LAYERS_DIR) -> Path:
        """Where the overlay's GeoJSON lives."""
        return layers_dir / self.file


@dataclasses.dataclass(frozen=True)
class StatusRule:
    """A keyword (or a whole status text) and the status category it means, with the reason."""

    keyword: str
    category: str
    why: str

    def __post_init__(self) -> None:
        fields = ("keyword", "category", "why")
        _require("Status rule", self.keyword or "<no keyword>", dataclasses.asdict(self), fields)


@dataclasses.dataclass(frozen=True)
class StatusScheme:
    """Free-text statuses -> a few categories the map can toggle; the original text is always kept.

    Whole-word, case-insensitive keywords; the keyword that occurs earliest in the text wins (ties: the longer
    keyword, then declaration order). ``exact`` entries override the keywords for one whole status text.
    """

    categories: tuple[str, ...]
    fallback: str
    labels: Mapping[str, str]
    rules: tuple[StatusRule, ...]
    exact: tuple[StatusRule, ...] = ()

    def __post_init__(self) -> None:
        if not self.categories or not self.fallback:
            raise SpecError("[status] in layers/overlays.toml needs `categories` and `fallback`.")
        allowed = self.order
        unlabelled = [c for c in allowed if not self.labels.get(c)]
        if unlabelled:
            raise SpecError(f"[status.labels] in layers/overlays.toml is missing {unlabelled}: add a label for each.")
        for rule in (*self.rules, *self.exact):
            if rule.category not in allowed:
                raise SpecError(f"Status rule {rule.keyword!r} has category {rule.category!r}; use one of "
                                f"{', '.join(allowed)}.")

    @property
    def order(self) -> tuple[str, ...]:
        """Categories from most to least advanced, then the fallback."""
        return (*self.categories, self.fallback)

    def label(self, category: str) -> str:
        return self.labels[category]

    def classify(self, status: str) -> tuple[str, StatusRule | None]:
        """The category of ``status`` and the rule that decided it (``None`` when no keyword matched)."""
        text = " ".join(status.lower().split())
        for rule in self.exact:
            if text == " ".join(rule.keyword.lower().split()):
                return rule.category, rule
        best: tuple[int, int, int] | None = None
        chosen = None
        for position, rule in enumerate(self.rules):
            match = re.search(rf"(?<![a-z]){re.escape(rule.keyword.lower())}(?![a-z])", text)
            if match:
                key = (match.start(), -len(rule.keyword), position)
                if best is None or key < best:
                    best, chosen = key, rule
        if chosen is None:
            return self.fallback, None
        return chosen.category, chosen


@dataclasses.dataclass(frozen=True)
class OverlayDeclarations:
    """Everything in ``layers/overlays.toml``."""

    overlays: Mapping[str, OverlaySpec]
    status: StatusScheme
    ca_codes: Mapping[str, str]
    district_aliases: Mapping[str, str]
    subtype_labels: Mapping[str, str]
    zone_approximate: tuple[str, ...] = ()
    """Words in a row's ``ward_codes_source`` that make its ward list an approximation ([zones] approximate_when)."""

    def subtype_label(self, subtype: str) -> str:
        """How a research ``subtype`` is named for readers."""
        return self.subtype_labels.get(subtype) or subtype.replace("_", " ").capitalize()

    def overlay(self, overlay_id: str) -> OverlaySpec:
        try:
            return self.overlays[overlay_id]
        except KeyError:
            raise UnknownNameError(
                f"Unknown overlay {overlay_id!r}: use one of {', '.join(self.overlays)} (layers/overlays.toml)."
            ) from None


def load_overlay_declarations(layers_dir: Path = LAYERS_DIR) -> OverlayDeclarations:
    """Read and validate ``layers/overlays.toml``."""
    raw = _load_toml(layers_dir / "overlays.toml")
    overlays: dict[str, OverlaySpec] = {}
    for rec in raw.get("overlay", []):
        rec = dict(rec)
        ident = rec.get("id", "<no id>")
        rec["geometry_types"] = tuple(rec.get("geometry_types", ()))
        spec = OverlaySpec(**_known(OverlaySpec, rec, f"Overlay {ident!r}"))
        if spec.id in overlays:
            raise SpecError(f"Overlay id {spec.id!r} is declared twice in overlays.toml: rename one.")
        overlays[spec.id] = spec
    if not overlays:
        raise SpecError(f"{layers_dir / 'overlays.toml'} declares no [[overlay]]: restore it from git.")
    status = dict(raw.get("status", {}))
    rules = tuple(StatusRule(**_known(StatusRule, dict(r), f"Status rule {r.get('keyword')!r}"))
                  for r in status.get("rule", []))
    exact = tuple(StatusRule(keyword=r.get("status", ""), category=r.get("category", ""), why=r.get("why", ""))
                  for r in status.get("exact", []))
    scheme = StatusScheme(categories=tuple(status.get("categories", ())), fallback=status.get("fallback", ""),
                          labels=dict(status.get("labels", {})), rules=rules, exact=exact)
    return OverlayDeclarations(overlays=overlays, status=scheme, ca_codes=dict(raw.get("ca_codes", {})),
                               district_aliases=dict(raw.get("district_aliases", {})),
                               subtype_labels=dict(raw.get("subtype_labels", {})),
                               zone_approximate=tuple(raw.get("zones", {}).get("approximate_when", ())))


@lru_cache(maxsize=1)
def overlay_declarations() -> OverlayDeclarations:
    """The project's overlay declarations, loaded once per process."""
    return load_overlay_declarations()


def overlay_specs() -> Mapping[str, OverlaySpec]:
    """Every overlay group declared in ``layers/overlays.toml``, by id, in declaration order."""
    return overlay_declarations().overlays
