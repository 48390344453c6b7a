"""Search by postcode or place name, and the view each result opens.

Places are every combined authority, district, ward and LSOA (shipped boundaries) and every overlay location or
scheme (``layers/overlays/*.geojson``). Names are matched forgivingly with rapidfuzz's ``WRatio`` after
:func:`simplify` (case, spaces, punctuation, "&"/"and", "St."/"Saint", a leading "The", and an overlay name's
prefix such as "New rail station:"). A result opens the region that contains it (its combined authority, else its
district) at its own level with its profile open; an overlay feature is also the view's :attr:`~mapkit.view.View
.place`, and a zone (a growth zone, the wards a scheme serves) opens as itself, not as one of its wards
(:func:`view_for`).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from functools import lru_cache

from mapkit.data import postcodes
from mapkit.data.products import load_boundaries
from mapkit.specs.registry import overlay_specs, registry
from mapkit.data.overlays import load_overlay
from mapkit.view import View, excerpt

MIN_SCORE = 80.0
MAX_RESULTS = 20
KIND_ORDER = {"ca": 0, "lad": 1, "ward": 2, "overlay": 3, "lsoa": 4}
_REPLACEMENTS = ((r"&", " and "), (r"\bsaint\b", "st"), (r"['’`]", ""), (r"[^a-z0-9]+", " "), (r"^the ", ""))


def simplify(name: str) -> str:
    """A name reduced for matching: ``"St. Mary's & Trinity"`` -> ``"st marys and trinity"`` (after Unicode NFKC,
    so full-width letters match their usual forms)."""
    text = unicodedata.normalize("NFKC", str(name)).lower()
    for pattern, repl in _REPLACEMENTS:
        text = re.sub(pattern, repl, text)
    return " ".join(text.split())


@dataclasses.dataclass(frozen=True)
class Place:
    """A place a search can find and the view it opens."""

    label: str
    kind: str
    code: str
    region: str
    level: str
    area: str | None
    overlay: str | None = None
    zone: bool = False
    status: str | None = None


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """What a search found: a postcode, postcode districts or sectors starting with the text, places, or why not."""

    postcode: postcodes.PostcodeResult | None = None
    partial: tuple[postcodes.Outward, ...] = ()
    places: tuple[Place, ...] = ()
    message: str | None = None


def _area_places(level: str) -> list[Place]:
    frame = load_boundaries(level)
    noun = registry().boundary(level).label.split(" (")[0]
    out = []
    for row in frame.itertuples():
        if level == "ca":
            region, context = row.code, "combined authority"
        elif level == "lad":
            region = row.ca_code if isinstance(row.ca_code, str) else row.code
            context = f"district, {row.ca_name if isinstance(row.ca_name, str) else row.rgn_name}"
        else:
            region = row.ca_code if isinstance(row.ca_code, str) else row.lad_code
            context = f"{noun.lower() if level == 'ward' else noun}, {row.lad_name}"
        out.append(Place(label=f"{row.name} ({context})", kind=level, code=row.code, region=region, level=level,
                         area=row.code))
    return out


def _overlay_places() -> list[Place]:
    wards = load_boundaries("ward")
    out = []
    for overlay_id, spec in overlay_specs().items():
        frame = load_overlay(overlay_id)
        for row in frame.itertuples():
            point = row.geometry.representative_point() if row.geometry is not None else None
            hit = wards[wards.contains(point)] if point is not None else wards.iloc[:0]
            if hit.empty:
                continue  # outside England's wards: no region to open
            ward = hit.iloc[0]
            region = ward["ca_code"] if isinstance(ward["ca_code"], str) else ward["lad_code"]
            zone = getattr(row, "zone", None) is True
            out.append(Place(label=f"{row.name} ({'zone' if zone else spec.noun}, {ward['lad_name']})", kind="overlay",
                             code=str(row.id), region=region, level="ward", area=None if zone else ward["code"],
                             overlay=overlay_id, zone=zone, status=row.status_category))
    return out


@lru_cache(maxsize=1)
def place_table() -> tuple[tuple[Place, ...], tuple[str, ...], tuple[int, ...]]:
    """Every searchable place, and the names to match (an overlay also under the part after its last colon)."""
    places = [*(p for level in ("ca", "lad", "ward", "lsoa") for p in _area_places(level)), *_overlay_places()]
    names: list[str] = []
    owners: list[int] = []
    for i, place in enumerate(places):
        name = place.label.rsplit(" (", 1)[0]
        for alias in dict.fromkeys([name, name.rsplit(":", 1)[-1]]):
            names.append(simplify(alias))
            owners.append(i)
    return tuple(places), tuple(names), tuple(owners)


def find_places(text: str, *, limit: int = MAX_RESULTS) -> list[Place]:
    """Places whose name matches ``text``, best first (exact and whole-word matches before fuzzy ones)."""
    from rapidfuzz import fuzz, process

    query = simplify(text)
    if len(query) < 2:
        return []
    places, names, owners = place_table()
    hits = process.extract(query, names, scorer=fuzz.WRatio, processor=None, limit=limit * 10,
                           score_cutoff=MIN_SCORE)
    best: dict[int, tuple[float, int, str]] = {}
    for name, score, i in hits:
        exact = 0 if name == query else 1 if re.search(rf"\b{re.escape(query)}\b", name) else 2
        key = (exact, -score, KIND_ORDER[places[owners[i]].kind])
        if owners[i] not in best or key < best[owners[i]][:3]:
            best[owners[i]] = (*key, name)
    ranked = sorted(best, key=lambda j: (*best[j][:3], places[j].label))
    return [places[j] for j in ranked[:limit]]


def search(text: str) -> SearchResult:
    """Everything a search box should offer for ``text``: a postcode, partial postcodes, or places.

    A malformed or unknown postcode gives a :attr:`SearchResult.message` ("not a live English postcode"), never
    an error.
    """
    text = unicodedata.normalize("NFKC", str(text or "")).strip()[:100]
    if not text:
        return SearchResult()
    compact = postcodes.normalise(text)
    shaped = postcodes.formatted(text)
    if shaped is not None:
        found = postcodes.lookup(shaped)
        if found is None:
            return SearchResult(message=f"{shaped} is not a live English postcode (OS Code-Point Open, April 2025).")
        return SearchResult(postcode=found)
    postcode_like = bool(re.search(r"\d", compact)) and compact[:1].isalpha() and len(compact) <= 7
    if postcode_like:
        if postcodes.looks_partial(text):
            partial = tuple(postcodes.partial(text))
            if partial:
                return SearchResult(partial=partial)
        return SearchResult(message=f"{excerpt(text)} is not a live English postcode, or the start of one.")
    places = tuple(find_places(text))
    if not places:
        return SearchResult(message=f"No ward, district, combined authority, LSOA or overlay place matches "
                                    f"{excerpt(text)}.")
    return SearchResult(places=places)


def view_for(current: View, *, place: Place | None = None,
             postcode: postcodes.PostcodeResult | None = None) -> tuple[View, list[str]]:
    """The view a result opens, keeping the current indicator and styling where they fit.

    A postcode opens its ward (its LSOA when LSOAs are on the map) in its combined authority, else its district,
    and marks its point; a place opens itself at its own level.
    """
    fields = dataclasses.asdict(current)
    fields["postcode"] = None
    fields["place"] = None
    if postcode is not None and postcode.region is not None:
        level = "lsoa" if current.level == "lsoa" else "ward"
        fields.update(region=postcode.region, level=level, postcode=postcode.postcode,
                      area=postcode.lsoa_code if level == "lsoa" else postcode.ward_code)
    elif place is not None:
        fields.update(region=place.region, level=place.level, area=place.area)
        if place.overlay:
            fields["place"] = f"{place.overlay}:{place.code}"
            if place.overlay not in current.overlays:
                fields["overlays"] = (*current.overlays, place.overlay)
            if current.statuses is not None and place.status not in current.statuses:
                fields["statuses"] = (*current.statuses, place.status)  # the place's own status is drawn
    if fields["indicator"] and fields["level"] != current.level:
        spec = registry().indicator(current.indicator)
        if fields["level"] not in spec.levels:
            fields["indicator"] = "imd_score"
    fields["scheme"] = current.scheme if fields["level"] == current.level else None
    return View.lenient(**fields)
