"""The data pipeline: raw official files -> validated, generalised, joined products in ``data/``."""

from mapkit.pipeline.build import build_data

__all__ = ["build_data"]
