"""Run one piece of untrusted work (reading an upload, measuring it) in a worker process with a memory ceiling and
a time limit, so that no single upload can starve or kill the server and every other user's session with it.

The worker is forked from a small server process (multiprocessing's ``forkserver``) that has already imported
the reading and measuring code, so starting one costs milliseconds, not the seconds of a fresh interpreter. The
worker caps its own address space (``RLIMIT_AS``) at what it already maps plus :data:`MEMORY_MB`; past the cap an
allocation fails inside the worker, never in the server. Past :data:`SECONDS` the worker is killed.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable
from typing import Any, TypeVar

from mapkit.errors import BudgetError

__all__ = ["MEMORY_MB", "SECONDS", "run_bounded"]

MEMORY_MB = 512
"""Extra memory a worker may take, above what it maps when it starts."""
SECONDS = 10.0
"""Time a worker's work may take before it is stopped (counted from the moment the worker is ready)."""
STARTUP_SECONDS = 120.0
"""Time to wait for a worker to be ready: the first one waits for the fork server to import the preloaded modules,
which on a busy machine can take longer than the work itself; it is not the upload's cost."""
READY = "ready"
PRELOAD = ["mapkit.data.uploads", "mapkit.analysis.nearby"]

T = TypeVar("T")
_CONTEXT: Any = None


def _context() -> Any:
    global _CONTEXT
    if _CONTEXT is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _CONTEXT = context
    return _CONTEXT


def _mapped_bytes() -> int:
    """The address space this process maps now (VmSize), 0 when unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _worker(conn: Any, function: Callable[..., Any], args: tuple[Any, ...], memory_mb: int) -> None:
    """Inside the worker: cap memory, run ``function``, send ("ok", result) or ("error", exception)."""
    conn.send((READY, None))
    try:
        ceiling = _mapped_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        result: tuple[str, Any] = ("ok", function(*args))
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:  # sent back and raised in the server as it was raised here
        # GEOS reports a failed allocation as GEOSException("std::bad_alloc").
        result = ("memory", None) if "bad_alloc" in str(exc) else ("error", exc)
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # e.g. a result that cannot be pickled
        conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def run_bounded(function: Callable[..., T], *args: Any, what: str, memory_mb: int = MEMORY_MB,
                seconds: float = SECONDS) -> T:
    """``function(*args)`` computed in a worker process with a memory ceiling and a time limit.

    Parameters
    ----------
    function
        A module-level function (it is sent to the worker by name); its arguments and result must pickle.
    what
        What the work is, for the message, e.g. "'a.geojson'" or "Counting residents near 'Depot'".
    memory_mb, seconds
        The budget.

    Raises
    ------
    BudgetError
        When the work needs more memory or time than the budget; the message says which and how to reduce it.
    Exception
        Whatever ``function`` raised (e.g. :class:`mapkit.UploadError`), raised again here.
    """
    context = _context()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(send, function, args, memory_mb), daemon=True)
    process.start()
    send.close()
    try:
        ready = receive.poll(STARTUP_SECONDS)
        if ready:
            try:
                receive.recv()
            except (EOFError, OSError):
                ready = False
        if not ready:
            raise BudgetError(f"{what} could not be started: the server is too busy. Try again in a minute.")
        if not receive.poll(seconds):
            raise BudgetError(f"{what} took longer than {seconds:g} seconds and was stopped, so the map stays "
                              "responsive for everyone: simplify the shapes (fewer vertices and parts) or split the "
                              "file.")
        try:
            status, value = receive.recv()
        except (EOFError, OSError):
            status, value = "memory", None  # the worker died without an answer
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        process.close()
    if status == "memory":
        raise BudgetError(f"{what} needed more than {memory_mb:,} MB of memory and was stopped, so the map stays "
                          "responsive for everyone: simplify the shapes (fewer vertices and parts) or split the file.")
    if status == "error":
        raise value
    return value
