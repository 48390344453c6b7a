"""Command line: ``python -m mapkit {build-data,indicators,table}``."""

from mapkit.cli import main

raise SystemExit(main())
