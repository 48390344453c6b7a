"""Web geometry encoded at data-build time, so that a cold process serves its first user as fast as its hundredth.

``python -m mapkit build-web`` (run by ``build-data`` too; :mod:`mapkit.web.build_web`) encodes every area of
each level of England once (:func:`mapkit.web.encode.encode_shapes`) into ``data/web/<level>.parquet``: code, name
and parent name (escaped, as JSON text), the area's encoded shape as JSON text, and its bounds. This module reads
them (:mod:`mapkit.web.encode` asks it first) and imports nothing of the codec. A view's payload is then the
region's rows joined as text, identical to encoding the region afresh (each area's deltas start from
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

from mapkit.data.products import default_data_dir, load_boundaries
from mapkit.specs.registry import registry

FOLDER = "web"
SOURCE_KEY = b"mapkit_boundaries_sha256"
SCALE_KEY = b"mapkit_scale"

Prebuilt = tuple[tuple[str, ...], str, "list[list[float]] | None"]
"""Codes, payload JSON text and bounds, as :class:`mapkit.web.encode.GeometryPayload` holds them."""


def sha256(path: Path) -> str:
    """The SHA-256 of a file (the boundary product a prebuilt file was made from)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def boundary_path(level: str, data_dir: Path) -> Path:
    return data_dir / registry().boundary(level).product


@lru_cache(maxsize=None)
def _table(level: str, data_dir: Path) -> tuple[pd.DataFrame, str] | None:
    """The level's prebuilt rows indexed by code and its scale, or ``None`` when missing, damaged or built from
    other boundaries."""
    import pyarrow.parquet as pq

    path = data_dir / FOLDER / f"{level}.parquet"
    try:
        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        if meta.get(SOURCE_KEY, b"").decode() != sha256(boundary_path(level, data_dir)):
            return None
        return table.to_pandas().set_index("code"), meta[SCALE_KEY].decode()
    except (OSError, ValueError, KeyError):
        return None


def prebuilt_geometry(level: str, region: str, *, parent_names: bool = True,
                      data_dir: Path | None = None) -> Prebuilt | None:
    """The encoded areas of ``level`` in ``region`` from the prebuilt file (``None``: not available, encode them).

    ``parent_names=False`` leaves the parent names empty, as for outlines (nothing hovers on them)."""
    data_dir = data_dir or default_data_dir()
    found = _table(level, data_dir)
    if found is None:
        return None
    rows, scale = found
    codes = [str(c) for c in load_boundaries(level, region, data_dir=data_dir)["code"]]
    if not set(codes) <= set(rows.index):
        return None
    chosen = rows.loc[codes]
    parents = ",".join(chosen["parent"]) if parent_names else ",".join(['""'] * len(codes))
    text = ('{"scale":' + scale + ',"codes":[' + ",".join(f'"{c}"' for c in codes) + '],"names":['
            + ",".join(chosen["name"]) + '],"parents":[' + parents + '],"shapes":[' + ",".join(chosen["shape"]) + "]}")
    bounds = None
    if len(chosen):
        bounds = [[float(np.min(chosen["south"])), float(np.min(chosen["west"]))],
                  [float(np.max(chosen["north"])), float(np.max(chosen["east"]))]]
    return tuple(codes), text, bounds
