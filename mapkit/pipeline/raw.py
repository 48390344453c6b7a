"""Locating the raw official inputs, recording their checksums, and fetching them from their publishers."""

from __future__ import annotations

import dataclasses
import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from mapkit.errors import RawDataError
from mapkit.data.io import sha256
from mapkit.specs.registry import Registry

DEFAULT_RAW = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "raw"


@dataclasses.dataclass
class RawInputs:
    """The raw folder, and a record of every file the build read (for the build report)."""

    root: Path
    registry: Registry
    used: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)

    def path(self, ref: str) -> Path:
        """Path of source file ``ref`` ("source.file"); stops the build with the fix if it is missing."""
        spec = self.registry.source_file(ref)
        path = self.root / spec.path
        if not path.is_file():
            raise RawDataError(
                f"Raw file for {spec.title!r} not found at {path}. Download it from {spec.url} and save it "
                f"there, pass --raw DIR pointing at a folder that holds {spec.path}, or run with --download."
            )
        if ref not in self.used:
            self.used[ref] = {"path": spec.path, "title": spec.title, "url": spec.url, "sha256": sha256(path),
                              "bytes": str(path.stat().st_size)}
        return path


def download_all(registry: Registry, cache: Path, *, mirror: str | None = None, timeout: float = 60.0) -> Path:
    """Fetch every declared source file into ``cache`` (laid out like the raw folder) and return ``cache``.

    ``mirror`` replaces each publisher URL by ``MIRROR/<path>``: for a local copy of the raw folder, or a test
    server. Files already in the cache are kept. ArcGIS query URLs that page their results are followed.
    """
    for source in registry.sources.values():
        for spec in source.files.values():
            dest = cache / spec.path
            if dest.is_file() and dest.stat().st_size > 0:
                continue
            url = f"{mirror.rstrip('/')}/{urllib.parse.quote(spec.path)}" if mirror else spec.url
            dest.parent.mkdir(parents=True, exist_ok=True)
            partial = dest.with_name(dest.name + ".part")
            try:
                _fetch(url, partial, timeout=timeout)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                partial.unlink(missing_ok=True)
                raise RawDataError(
                    f"Could not download {spec.title!r} from {url} ({exc}). Check the network or the URL in "
                    "layers/sources.toml, or put the file in the raw folder and build without --download."
                ) from None
            partial.replace(dest)
    return cache


def _fetch(url: str, dest: Path, *, timeout: float) -> None:
    with urllib.request.urlopen(url, timeout=timeout) as resp, dest.open("wb") as out:
        shutil.copyfileobj(resp, out)
    if "FeatureServer" in url and "f=geojson" in url:
        _follow_arcgis_pages(url, dest, timeout=timeout)


def _follow_arcgis_pages(url: str, dest: Path, *, timeout: float) -> None:
    """ArcGIS returns at most a few thousand features per query; fetch the rest by offset and merge."""
    first = json.loads(dest.read_text(encoding="utf-8"))
    features = first.get("features", [])
    while first.get("exceededTransferLimit") or first.get("properties", {}).get("exceededTransferLimit"):
        page_url = f"{url}&resultOffset={len(features)}"
        with urllib.request.urlopen(page_url, timeout=timeout) as resp:
            first = json.loads(resp.read().decode("utf-8"))
        if not first.get("features"):
            break
        features.extend(first["features"])
    dest.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
