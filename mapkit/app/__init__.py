"""The Streamlit page as parts (the only package that imports Streamlit; ``app.py`` runs :func:`page.run`).

* :mod:`~mapkit.app.state`: every session-state key, the one writer of the current view, act-once events;
* :mod:`~mapkit.app.cached`: what is computed from inputs alone, cached per server process;
* parts, each a function of the view that draws one region of the page: :mod:`~mapkit.app.sidebar` (with
  :mod:`~mapkit.app.find` and :mod:`~mapkit.app.upload`), :mod:`~mapkit.app.map_panel`, :mod:`~mapkit.app.profile`,
  :mod:`~mapkit.app.trends`, :mod:`~mapkit.app.ranking`, :mod:`~mapkit.app.compare`, :mod:`~mapkit.app.nearby`,
  :mod:`~mapkit.app.export_tab`; :mod:`~mapkit.app.page` puts them together.
"""
