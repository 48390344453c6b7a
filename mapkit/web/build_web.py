"""``python -m mapkit build-web``: every level's web geometry encoded once, into ``data/web/`` (read by
:mod:`mapkit.web.prebuilt`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import shapely

from mapkit.data.products import default_data_dir, load_boundaries
from mapkit.web.encode import PARENT_NAME_COLUMN, SCALE, display_text, encode_shapes, script_json
from mapkit.web.prebuilt import FOLDER, SCALE_KEY, SOURCE_KEY, boundary_path, sha256


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
            "name": [script_json(display_text(n)) for n in frame["name"]],
            "parent": [script_json(display_text(p)) for p in parents],
            "shape": [script_json(s) for s in encode_shapes(frame.geometry.values)],
            "west": bounds[:, 0], "south": bounds[:, 1], "east": bounds[:, 2], "north": bounds[:, 3],
        })
        table = table.replace_schema_metadata({SOURCE_KEY: sha256(boundary_path(level, data_dir)).encode(),
                                               SCALE_KEY: str(SCALE).encode()})
        path = data_dir / FOLDER / f"{level}.parquet"
        partial = path.with_suffix(".partial")
        pq.write_table(table, partial, compression="zstd")
        partial.replace(path)
        written.append(path)
    return written
