"""Postcode lookup: a live English postcode -> its LSOA, ward, district and combined authority, and its point.

The product (``data/postcodes/postcodes.parquet``, built by :mod:`mapkit.pipeline.postcodes`) is read once per
process into a sorted byte-string array; an exact lookup is a binary search (:func:`numpy.searchsorted`), and a
partial postcode ("B9") lists the outward codes and sectors that begin with it. Ward, district and combined
authority are the LSOA's, from the shipped LSOA boundaries (ONS best-fit lookups), so they always match the map.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from mapkit.data.products import default_data_dir, load_boundaries
from mapkit.errors import ProductError
from mapkit.data.io import rebuild_hint

PRODUCT = "postcodes/postcodes.parquet"
SOURCE_KEY = "postcodes"
COLUMNS = ("pcds", "lsoa21cd", "method", "easting", "northing")
FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
"""A whole postcode with its spaces removed: outward code, then inward code (digit and two letters)."""
PARTIAL = re.compile(r"^[A-Z]{1,2}([0-9][A-Z0-9]?([0-9][A-Z]?)?)?$")
"""The start of a postcode: an area ("B"), an outward code ("B9"), a sector ("B95") or a sector and a letter."""
NEAREST_OA = {
    "lsoa11_split_nearest_oa21_pwc": (
        "LSOA assigned by the nearest Output Area: the postcode's 2011 LSOA was split in 2021, so its 2021 LSOA (and "
        "ward) was taken from the nearest Output Area centroid and may be a neighbouring one."),
    "not_in_may22_nearest_oa21_pwc_in_lad": (
        "LSOA assigned by the nearest Output Area: the postcode is newer than the ONS May 2022 lookup, so its LSOA "
        "(and ward) was taken from the nearest Output Area centroid in its district and may be a neighbouring one."),
}
"""The caveat shown for the ~4.5% of postcodes whose LSOA was assigned by distance (SOURCES.md section 12)."""
METHOD_NOTE = ("Postcode and point: OS Code-Point Open (April 2025). LSOA 2021: ONS postcode best-fit lookup (May "
               "2022) carried to 2021 LSOAs. Ward, district and combined authority are the LSOA's (ONS best-fit "
               "lookups).")
MAX_PARTIAL = 60


def normalise(text: str) -> str:
    """Upper case with every space and punctuation mark removed: ``" b9-5rp "`` -> ``"B95RP"``. Unicode NFKC comes
    first, so a postcode typed in full-width characters (``"Ｂ９　５ＲＰ"``, as a Japanese or Chinese keyboard
    writes it) reads as the same postcode."""
    return re.sub(r"[^A-Z0-9]", "", unicodedata.normalize("NFKC", str(text)).upper())


def formatted(text: str) -> str | None:
    """A postcode in ONS ``pcds`` form (``"b95rp"`` -> ``"B9 5RP"``), or ``None`` when it is not shaped like one."""
    match = FULL.match(normalise(text))
    return f"{match.group(1)} {match.group(2)}" if match else None


def looks_partial(text: str) -> bool:
    """Whether ``text`` could be the start of a postcode ("B", "B9", "B9 5", "b95r")."""
    return bool(PARTIAL.match(normalise(text)))


@dataclasses.dataclass(frozen=True)
class PostcodeResult:
    """Where a live postcode lies. Codes and names are ``None`` where the sources give none."""

    postcode: str
    lsoa_code: str | None
    lsoa_name: str | None
    ward_code: str | None
    ward_name: str | None
    lad_code: str | None
    lad_name: str | None
    ca_code: str | None
    ca_name: str | None
    method: str | None
    easting: int | None
    northing: int | None
    lat: float | None
    lon: float | None

    @property
    def caveat(self) -> str | None:
        """Why the LSOA may be a neighbouring one (nearest-Output-Area rows), or why there is none."""
        if self.lsoa_code is None:
            return "The sources give this postcode no LSOA, so no area can be selected for it."
        return NEAREST_OA.get(self.method or "")

    @property
    def region(self) -> str | None:
        """The region that contains it: its combined authority, else its district."""
        return self.ca_code or self.lad_code


@dataclasses.dataclass(frozen=True)
class Outward:
    """Postcodes beginning with a prefix, grouped: an outward code ("B9") or a sector ("B9 5"), and how many."""

    prefix: str
    count: int


@dataclasses.dataclass(frozen=True, eq=False)
class PostcodeIndex:
    """Every live English postcode, sorted, with its LSOA index, method index and coordinates (row-aligned)."""

    keys: np.ndarray
    """Normalised postcodes (no space) as sorted ASCII byte strings."""
    lsoa: np.ndarray
    """Index into ``lsoa_codes`` (-1: none), likewise ``method`` into ``methods``."""
    lsoa_codes: np.ndarray
    method: np.ndarray
    methods: np.ndarray
    easting: np.ndarray
    northing: np.ndarray

    def position(self, postcode: str) -> int | None:
        """Row of a postcode (any spacing or case), or ``None`` when it is not a live English postcode."""
        key = normalise(postcode).encode("ascii")
        i = int(np.searchsorted(self.keys, key))
        return i if i < len(self.keys) and self.keys[i] == key else None

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        """Rows whose normalised postcode starts with ``prefix`` (already normalised)."""
        low = prefix.encode("ascii")
        return int(np.searchsorted(self.keys, low)), int(np.searchsorted(self.keys, low + b"\xff"))


@lru_cache(maxsize=4)
def _index(data_dir: Path) -> PostcodeIndex:
    import pyarrow.parquet as pq

    path = data_dir / PRODUCT
    if not path.is_file():
        raise ProductError(f"Data file {path} is missing. {rebuild_hint(path)}")
    try:
        table = pq.read_table(path, columns=list(COLUMNS), read_dictionary=["lsoa21cd", "method"])
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError variants for damaged files
        raise ProductError(f"Data file {path} is damaged ({type(exc).__name__}: {exc}). {rebuild_hint(path)}") from None
    pcds = table["pcds"].to_numpy()
    keys = np.char.replace(pcds.astype("S8"), b" ", b"")
    if len(keys) == 0 or not bool(np.all(keys[:-1] < keys[1:])):
        raise ProductError(f"Data file {path} is damaged (postcodes not sorted). {rebuild_hint(path)}")
    lsoa = table["lsoa21cd"].combine_chunks()
    method = table["method"].combine_chunks()
    coords = [table[c].to_numpy(zero_copy_only=False) for c in ("easting", "northing")]
    return PostcodeIndex(keys=keys, lsoa=_indices(lsoa),
                         lsoa_codes=np.asarray(lsoa.dictionary.to_pylist(), dtype=object),
                         method=_indices(method),
                         methods=np.asarray(method.dictionary.to_pylist(), dtype=object),
                         easting=coords[0], northing=coords[1])


def _indices(array) -> np.ndarray:
    """A dictionary column's indices, -1 where the value is missing."""
    import pyarrow.compute as pc

    return pc.fill_null(array.indices, -1).to_numpy().astype(np.int32)


def postcode_index(data_dir: Path | None = None) -> PostcodeIndex:
    """The postcode index of the data folder, read once per process."""
    return _index(data_dir or default_data_dir())


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _number(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def lookup(postcode: str, *, data_dir: Path | None = None) -> PostcodeResult | None:
    """Where a live English postcode lies, or ``None`` when it is not one (any spacing or case is accepted)."""
    shaped = formatted(postcode)
    if shaped is None:
        return None
    index = postcode_index(data_dir)
    row = index.position(shaped)
    if row is None:
        return None
    lsoa_code = None if index.lsoa[row] < 0 else str(index.lsoa_codes[index.lsoa[row]])
    method = None if index.method[row] < 0 else str(index.methods[index.method[row]])
    easting, northing = _number(index.easting[row]), _number(index.northing[row])
    lat = lon = None
    if easting is not None and northing is not None:
        lon, lat = _to_wgs84(easting, northing)
    area: dict[str, object] = {}
    if lsoa_code is not None:
        lsoas = load_boundaries("lsoa", data_dir=data_dir)
        match = lsoas.loc[lsoas["code"] == lsoa_code]
        area = match.iloc[0].to_dict() if len(match) else {}
    return PostcodeResult(
        postcode=shaped, lsoa_code=lsoa_code, lsoa_name=_text(area.get("name")),
        ward_code=_text(area.get("ward_code")), ward_name=_text(area.get("ward_name")),
        lad_code=_text(area.get("lad_code")), lad_name=_text(area.get("lad_name")),
        ca_code=_text(area.get("ca_code")), ca_name=_text(area.get("ca_name")),
        method=method, easting=easting, northing=northing, lat=lat, lon=lon)


@lru_cache(maxsize=1)
def _transformer():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def _to_wgs84(easting: int, northing: int) -> tuple[float, float]:
    lon, lat = _transformer().transform(easting, northing)
    return round(float(lon), 6), round(float(lat), 6)


def partial(text: str, *, data_dir: Path | None = None, limit: int = MAX_PARTIAL) -> list[Outward]:
    """Outward codes (or, for a whole outward code, its sectors) of the live postcodes that begin with ``text``.

    ``"B9"`` gives the outward code B9 with each of its sectors ("B9 4", "B9 5"), then B90, B91 ... ; ``"B9 5"``
    gives the sector B9 5. Empty when nothing begins with it or it is not the start of a postcode.
    """
    prefix = normalise(text)
    if not prefix or not looks_partial(prefix):
        return []
    index = postcode_index(data_dir)
    start, stop = index.prefix_range(prefix)
    if start == stop:
        return []
    keys = pd.Series(index.keys[start:stop].astype(str))
    outward = keys.str[:-3]
    groups = outward.where(outward.str.len() > len(prefix), outward + " " + keys.str[-3])
    counts = groups.value_counts(sort=False)
    order = sorted(counts.index, key=lambda g: (" " not in g, len(g), g))
    return [Outward(prefix=str(g), count=int(counts[g])) for g in order[:limit]]
