"""Exceptions whose messages name the file or value at fault and say how to fix it."""

from __future__ import annotations


class MapkitError(Exception):
    """Base class: every message is meant to be shown to a user as it is."""


class SpecError(MapkitError):
    """A declaration in ``layers/`` is incomplete or inconsistent."""


class RawDataError(MapkitError):
    """A raw official input is missing, unreadable or not in the published layout."""


class ProductError(MapkitError):
    """A built product in ``data/`` is missing or damaged; the message gives the rebuild command."""


class UnknownNameError(MapkitError, KeyError):
    """An indicator id, level or region code that does not exist."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class ParameterError(MapkitError, ValueError):
    """An argument is outside the values a function accepts; the message gives the allowed range."""


class AssetError(MapkitError):
    """The map's scripts cannot be served by the app itself; the message names the missing file and the fix."""


class UploadError(MapkitError):
    """A user's uploaded file cannot be drawn; the message says what is wrong and how to fix the file."""


class BudgetError(UploadError):
    """Work on a user's upload needed more memory or time than one session may take; the message says which."""


class OutputError(MapkitError):
    """An export could not be written; the message names the path and the cause, and nothing partial is left."""
