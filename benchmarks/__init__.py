"""Reproducible speed and size measurements (not part of the test run): ``python -m benchmarks NAME``."""
