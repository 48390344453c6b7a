"""Web geometry encoded at data-build time, so that a cold process serves its first user as fast as its hundredth.

``python -m mapkit build-web`` (run by ``build-data`` too) encodes every area of each level of England once
(:func:`mapkit.web.encode.encode_shapes`) into ``data/web/<level>.parquet``: code, escaped name and parent name,
the area's encoded shape as JSON text, and its bounds. A view's :class:`~mapkit.web.encode.GeometryPayload` is
then the region's rows joined as text, identical to encoding the region afresh (each area's deltas start from
zero), in a few milliseconds instead of up to a second and a half (England's LSOAs).

Each file records the SHA-256 of the boundary product it was built from; a file that is missing, damaged or built
from other boundaries is not used (the areas are encoded as before), so stale geometry is never drawn.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from mapkit.data import default_data_dir, load_boundaries
from mapkit.layers import registry
from mapkit.web.encode import PARENT_NAME_COLUMN, SCALE, GeometryPayload, display_text, encode_shapes, script_json

FOLDER = "web"
SOURCE_KEY = b"mapkit_boundaries_sha256"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _boundary_path(level: str, data_dir: Path) -> Path:
    return data_dir / registry().boundary(level).product


def build_web_geometry(data_dir: Path | None = None) -> list[Path]:
    """Encode every level of England into ``<data_dir>/web/<level>.parquet``; returns the files written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data_dir = data_dir or default_data_dir()
    (data_dir / FOLDER).mkdir(parents=True, exist_ok=True)
    written = []
    for level in PARENT_NAME_COLUMN:
        frame = load_boundaries(level, data_dir=data_dir)
        parent = PARENT_NAME_COLUMN[level]
        parents = frame[parent] if parent and parent in frame else pd.Series([""] * len(frame))
        bounds = shapely.bounds(frame.geometry.values)
        table = pa.table({
            "code": [str(c) for c in frame["code"]],
            "name": [display_text(n) for n in frame["name"]],
            "parent": [display_text(p) for p in parents],
            "shape": [script_json(s) for s in encode_shapes(frame.geometry.values)],
            "west": bounds[:, 0], "south": bounds[:, 1], "east": bounds[:, 2], "north": bounds[:, 3],
        })
        table = table.replace_schema_metadata({SOURCE_KEY: _sha256(_boundary_path(level, data_dir)).encode()})
        path = data_dir / FOLDER / f"{level}.parquet"
        partial = path.with_suffix(".partial")
        pq.write_table(table, partial, compression="zstd")
        partial.replace(path)
        written.append(path)
    return written


@lru_cache(maxsize=None)
def _table(level: str, data_dir: Path) -> pd.DataFrame | None:
    """The level's prebuilt rows indexed by code, or ``None`` when missing, damaged or built from other boundaries."""
    import pyarrow.parquet as pq

    path = data_dir / FOLDER / f"{level}.parquet"
    try:
        table = pq.read_table(path)
        built_from = (table.schema.metadata or {}).get(SOURCE_KEY, b"").decode()
        if built_from != _sha256(_boundary_path(level, data_dir)):
            return None
        return table.to_pandas().set_index("code")
    except (OSError, ValueError):
        return None


def prebuilt_geometry(level: str, region: str, *, parent_names: bool = True,
                      data_dir: Path | None = None) -> GeometryPayload | None:
    """The encoded areas of ``level`` in ``region`` from the prebuilt file (``None``: not available, encode them).

    ``parent_names=False`` leaves the parent names empty, as for outlines (nothing hovers on them)."""
    data_dir = data_dir or default_data_dir()
    rows = _table(level, data_dir)
    if rows is None:
        return None
    codes = [str(c) for c in load_boundaries(level, region, data_dir=data_dir)["code"]]
    if not set(codes) <= set(rows.index):
        return None
    chosen = rows.loc[codes]
    parents = list(chosen["parent"]) if parent_names else [""] * len(codes)
    text = ('{"scale":' + str(SCALE) + ',"codes":' + script_json(codes) + ',"names":'
            + script_json(list(chosen["name"])) + ',"parents":' + script_json(parents) + ',"shapes":['
            + ",".join(chosen["shape"]) + "]}")
    bounds = None
    if len(chosen):
        bounds = [[float(np.min(chosen["south"])), float(np.min(chosen["west"]))],
                  [float(np.max(chosen["north"])), float(np.max(chosen["east"]))]]
    return GeometryPayload(codes=tuple(codes), json=text, bounds=bounds)

