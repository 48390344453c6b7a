"""Status dates of overlay features: reading them, "as of" a date, and flagging stale ones.

The research gives each row one ``status_date`` ("2023-12-21", "2025-06" or "2021"; a line or zone made of several
rows joins theirs with " | "). A feature's status date is the latest date in that text, read as the last day of the
period it names (so "2025-06" is 30 June 2025): the status is known to hold from then.

Two rules, decided here once:

- **As of a date.** The research records only each scheme's latest status, not its history. A feature is shown as
  of date D when its status date is on or before D (its status was already so); one whose status was recorded
  after D is left out, because what it was at D is not in the research. A feature without a status date is kept
  and says so.
- **Stale.** A status is stale when its date is more than :data:`STALE_DAYS` days before the reference date: the
  "as of" date when one is chosen, else today. Stale statuses are flagged in the popup, never hidden.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pandas as pd

from mapkit.errors import ParameterError

__all__ = ["STALE_DAYS", "as_of_keep", "check_as_of", "is_stale", "stale_note", "status_date"]

STALE_DAYS = 365
_DATE = re.compile(r"(?<!\d)(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?!\d)")
EARLIEST = dt.date(1990, 1, 1)


def status_date(text: object) -> dt.date | None:
    """The latest date in a status-date text, at the end of the period it names; ``None`` when there is none."""
    if not isinstance(text, str):
        return None
    found = []
    for year, month, day in _DATE.findall(text):
        y = int(year)
        if not 1900 <= y <= 2100:
            continue
        m = int(month) if month else 12
        if not 1 <= m <= 12:
            continue
        last = calendar.monthrange(y, m)[1]
        d = int(day) if day else last
        if 1 <= d <= last:
            found.append(dt.date(y, m, d))
    return max(found) if found else None


def check_as_of(value: object) -> dt.date:
    """An "as of" date from ``YYYY-MM-DD`` text or a date, from 1990 to 10 years ahead, else a ParameterError."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ParameterError(f"As-of date {str(value)[:40]!r} is not a date: write it as YYYY-MM-DD, "
                                 "e.g. 2025-01-31.") from None
    latest = dt.date.today().replace(year=dt.date.today().year + 10)
    if not EARLIEST <= day <= latest:
        raise ParameterError(f"As-of date {day.isoformat()} is out of range: choose a date from "
                             f"{EARLIEST.isoformat()} to {latest.isoformat()}.")
    return day


def as_of_keep(texts: pd.Series, as_of: dt.date | None) -> pd.Series:
    """Which features to show as of ``as_of`` (all when ``None``): status date on or before it, or no date."""
    if as_of is None:
        return pd.Series(True, index=texts.index)
    dates = texts.map(status_date)
    return dates.map(lambda d: d is None or d <= as_of).astype(bool)


def is_stale(text: object, reference: dt.date | None = None) -> bool:
    """Whether the status dated ``text`` is more than a year older than ``reference`` (default today)."""
    day = status_date(text)
    ref = reference or dt.date.today()
    return day is not None and (ref - day).days > STALE_DAYS


def stale_note(text: object, reference: dt.date | None = None) -> str:
    """"" or a warning that the status may be out of date, naming the reference date."""
    if not is_stale(text, reference):
        return ""
    ref = reference or dt.date.today()
    which = "the as-of date" if reference else "today"
    return (f"Status over a year old on {ref.isoformat()} ({which}): check the source for a newer one before "
            "relying on it.")
