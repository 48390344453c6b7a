"""England policy map: ``streamlit run app.py``.

The page is the package :mod:`mapkit.app`: its parts (sidebar, map, profile, tables, compare, who lives near,
export), the one state module and the caches. The view lives in the URL, so a copied link reopens it; a user's
uploaded layer stays in this session's memory only.
"""

import mapclassify  # noqa: F401 - seconds of scipy/sklearn: paid once at start-up, not mid-session for everyone

from mapkit.app.page import run

run()
