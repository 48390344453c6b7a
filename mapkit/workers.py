"""Untrusted work (reading an upload, counting who lives near it) in worker processes that start light and are
bounded, so that no upload, and no crowd of uploads, can starve or kill the server and every session with it.

How it is built:

* **A clean launcher, started once.** The first request starts one small process (``python -c``, so its
  ``__main__`` is that one line, never the app's page) that imports :data:`PRELOAD` and then waits. Each job is a
  fork of it: a worker starts in milliseconds with the reading code already loaded, and it never imports the page
  (multiprocessing's own start methods import the parent's main script in every worker, which under
  ``streamlit run`` is the whole app: seconds and hundreds of MB before any limit applied).
* **Limits from the worker's first instruction.** Straight after the fork, before it reads its job, a worker caps
  its address space (``RLIMIT_AS``: what it maps plus the job's memory budget), its CPU time and, with an alarm, its
  life. The server counts the job's time from the moment it asks for the worker, and kills it when the time is up.
* **A bounded pool.** At most :func:`pool_size` workers run at once (from the machine's processors and memory, 2 by
  default); further requests wait their turn in order and can say how many earlier ones they wait for
  (:func:`waiting_message`); past :data:`MAX_WAITING` waiting requests a new one is refused with a message.
* **Crashes stay contained.** A worker that dies without an answer gives a :class:`~mapkit.errors.BudgetError`
  message; the launcher is started again if it died. The launcher ends when the server does (its end of the
  control socket closes).

Linux (``fork``, ``socket.send_fds``, ``pidfd``): the servers this app runs on.
"""

from __future__ import annotations

import collections
import math
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from mapkit.errors import BudgetError

__all__ = [
    "MAX_WAITING",
    "MEMORY_MB",
    "SECONDS",
    "Pool",
    "default_pool",
    "pool_size",
    "run_bounded",
    "waiting_message",
]

MEMORY_MB = 512
"""Memory a worker may take above what it maps when it starts (what the launcher had loaded)."""
SECONDS = 10.0
"""Time a job may take, counted from the moment its worker is asked for, before it is stopped."""
DEFAULT_SIZE = 2
"""Workers at once when the machine cannot say how many processors and how much memory it has."""
MAX_SIZE = 8
MAX_WAITING = 24
"""Requests that may wait for a worker; one more is refused at once ("the server is busy")."""
STARTUP_SECONDS = 120.0
"""Time to wait for the launcher to import :data:`PRELOAD` (only when it starts: once per server, not per job)."""
EXIT_SECONDS = 5.0
"""Longest wait for a stopped worker to be gone (it takes milliseconds: the kernel frees its memory)."""
PRELOAD = ("mapkit.data.uploads", "mapkit.analysis.nearby")
"""Modules the jobs come from, imported once by the launcher (by name: this module stays infrastructure)."""
ENV_SIZE = "MAPKIT_WORKERS"
"""Environment variable that sets the number of workers at once (an integer from 1)."""

_WORKER_BASE_MB = 200
"""What one worker holds besides its job's budget, for :func:`pool_size`."""
_REQUEST = struct.Struct("!qd")  # memory budget in bytes, seconds
_LENGTH = struct.Struct("!Q")
_PID = struct.Struct("!i")
_READY = b"R"

T = TypeVar("T")


def pool_size() -> int:
    """Workers at once: :data:`ENV_SIZE` when set, else the processors this process may use, as many as a quarter
    of the machine's memory holds at :data:`MEMORY_MB` each (at most :data:`MAX_SIZE`); :data:`DEFAULT_SIZE` when
    the machine does not say."""
    text = os.environ.get(ENV_SIZE, "").strip()
    if text.isdigit() and int(text) >= 1:
        return int(text)
    try:
        processors = len(os.sched_getaffinity(0))
        memory_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20
    except (AttributeError, OSError, ValueError):
        return DEFAULT_SIZE
    by_memory = memory_mb // (4 * (MEMORY_MB + _WORKER_BASE_MB))
    return max(1, min(processors, by_memory, MAX_SIZE))


def waiting_message(ahead: int) -> str:
    """What a request waiting for a worker tells its user, e.g. "Waiting for 3 earlier uploads ..."."""
    earlier = "1 earlier upload" if ahead == 1 else f"{ahead:,} earlier uploads"
    return (f"Waiting for {earlier} to finish: this server works on a few uploads at a time, so that the map stays "
            "responsive for everyone.")


# --- the launcher and its workers (run in the launcher's process) --------------------------------------------------

def _launcher_main(control_fd: int, preload: list[str]) -> None:
    """The launcher: import ``preload``, say ready, then fork one worker per request until the server goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server's Ctrl-C is the server's; we end with its socket
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    control = socket.socket(fileno=control_fd)
    for name in preload:
        try:
            __import__(name)
        except ImportError:
            pass
    control.sendall(_READY)
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, _REQUEST.size, 1)
        except OSError:
            return
        if not message:
            return  # the server has gone
        if len(message) != _REQUEST.size or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            continue
        memory, seconds = _REQUEST.unpack(message)
        if os.fork() == 0:
            _worker_main(fds[0], memory, seconds, control)  # never returns
        os.close(fds[0])


def _limit(memory: int, seconds: float) -> None:
    """A worker's first instruction: cap its address space, its CPU time and its life."""
    import resource

    ceiling = _mapped_bytes() + memory
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    life = math.ceil(seconds) + 1  # the server stops it at ``seconds``; these hold if the server cannot
    resource.setrlimit(resource.RLIMIT_CPU, (life, life + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a worker stopped by SIGXCPU or a crash leaves no core file
    signal.alarm(life)


def _worker_main(fd: int, memory: int, seconds: float, control: socket.socket) -> None:
    """A worker: limits first, then read one job, run it, send ``(status, value)`` and exit."""
    try:
        _limit(memory, seconds)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        control.close()
        connection = socket.socket(fileno=fd)
        connection.sendall(_PID.pack(os.getpid()))
        result = _run_job(connection)
        try:
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", None))
        except Exception as exc:  # e.g. a result that cannot be pickled
            payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        connection.sendall(_LENGTH.pack(len(payload)) + payload)
        connection.close()
    finally:
        os._exit(0)


def _run_job(connection: socket.socket) -> tuple[str, Any]:
    try:
        function, args = pickle.loads(_receive(connection, None))
        return "ok", function(*args)
    except MemoryError:
        return "memory", None
    except Exception as exc:  # sent back and raised in the server as it was raised here
        # GEOS reports a failed allocation as GEOSException("std::bad_alloc").
        return ("memory", None) if "bad_alloc" in str(exc) else ("error", exc)


def _mapped_bytes() -> int:
    """The address space this process maps now (VmSize), 0 when unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _receive_exactly(connection: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            connection.settimeout(remaining)
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _receive(connection: socket.socket, deadline: float | None) -> bytes:
    (size,) = _LENGTH.unpack(_receive_exactly(connection, _LENGTH.size, deadline))
    return _receive_exactly(connection, size, deadline)


# --- the pool (in the server) ----------------------------------------------------------------------------------------

class _Launcher:
    """The launcher process as seen from the server: started on first use, and again if it died."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        self._preload = preload
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        package_root = str(Path(__file__).resolve().parent.parent)
        path = [package_root, *(p for p in sys.path if p and Path(p).is_dir())]
        code = (f"import sys; sys.path[:0] = {path!r}; from mapkit.workers import _launcher_main; "
                f"_launcher_main({theirs.fileno()}, {list(self._preload)!r})")
        try:
            self._process = subprocess.Popen([sys.executable, "-c", code], pass_fds=(theirs.fileno(),),
                                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        finally:
            theirs.close()
        ours.settimeout(STARTUP_SECONDS)
        try:
            if ours.recv(1) != _READY:
                raise EOFError
        except (OSError, EOFError):
            ours.close()
            self._stop()
            raise
        ours.settimeout(None)
        self._control = ours

    def _ensure(self) -> None:
        """Start the launcher unless it runs (called with the lock held)."""
        if self._control is None or self._process is None or self._process.poll() is not None:
            self._stop()
            self._start()

    def _stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            self._process = None

    def fork(self, memory: int, seconds: float) -> socket.socket:
        """A connection to a new worker with these limits (the launcher is started, or started again, as needed)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self._lock:
                for attempt in (1, 2):
                    self._ensure()
                    assert self._control is not None
                    try:
                        socket.send_fds(self._control, [_REQUEST.pack(memory, seconds)], [theirs.fileno()])
                        break
                    except OSError:
                        self._stop()
                        if attempt == 2:
                            raise
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return ours

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> None:
        with self._lock:
            self._ensure()

    def close(self) -> None:
        with self._lock:
            self._stop()


class Pool:
    """At most ``size`` workers at once, forked from one launcher; further requests wait their turn in order.

    Parameters
    ----------
    size
        Workers at once (default :func:`pool_size`).
    max_waiting
        Requests that may wait; one more is refused with a :class:`~mapkit.errors.BudgetError`.
    preload
        Modules the launcher imports once (the modules the jobs' functions live in).
    """

    def __init__(self, size: int | None = None, *, max_waiting: int = MAX_WAITING,
                 preload: tuple[str, ...] = PRELOAD) -> None:
        self.size = pool_size() if size is None else max(1, int(size))
        self.max_waiting = max_waiting
        self._launcher = _Launcher(tuple(preload))
        self._turns = threading.Condition()
        self._running = 0
        self._waiting: collections.deque[object] = collections.deque()

    @property
    def running(self) -> int:
        """Jobs running now."""
        return self._running

    @property
    def waiting(self) -> int:
        """Requests waiting for a worker now."""
        return len(self._waiting)

    @property
    def launcher_pid(self) -> int | None:
        """The launcher's process id while it runs (for tests and benchmarks)."""
        return self._launcher.pid

    def start(self) -> None:
        """Start the launcher now (it imports :data:`PRELOAD`), so that the first upload does not wait for it."""
        self._launcher.start()

    def close(self) -> None:
        """Stop the launcher (workers still running finish or are stopped by their limits)."""
        self._launcher.close()

    def run(self, function: Callable[..., T], *args: Any, what: str, memory_mb: int = MEMORY_MB,
            seconds: float = SECONDS, on_wait: Callable[[int], None] | None = None) -> T:
        """``function(*args)`` computed in a worker with a memory ceiling and a time limit.

        Parameters
        ----------
        function
            A module-level function (it is sent to the worker by name); its arguments and result must pickle.
        what
            What the work is, for messages, e.g. "Reading 'a.geojson'".
        memory_mb, seconds
            The budget; the time counts from the moment the worker is asked for (its start takes milliseconds).
        on_wait
            Called with the number of earlier requests still to finish (running or waiting), each time it changes,
            while this one waits for a worker; e.g. to show :func:`waiting_message`.

        Raises
        ------
        BudgetError
            When the work needs more memory or time than the budget, its worker ended without an answer, or too
            many requests wait already; the message says which and what to do.
        Exception
            Whatever ``function`` raised (e.g. :class:`mapkit.errors.UploadError`), raised again here.
        """
        self._take_turn(what, on_wait)
        try:
            status, value = self._dispatch(function, args, what, memory_mb * 2**20, float(seconds))
        finally:
            with self._turns:
                self._running -= 1
                self._turns.notify_all()
        if status == "ok":
            return value
        if status == "error":
            raise value
        raise BudgetError(_MESSAGES[status].format(what=what, memory_mb=memory_mb, seconds=seconds))

    def _take_turn(self, what: str, on_wait: Callable[[int], None] | None) -> None:
        token = object()
        told = None
        with self._turns:
            if self._running < self.size and not self._waiting:
                self._running += 1
                return
            if len(self._waiting) >= self.max_waiting:
                raise BudgetError(f"{what} could not start: {len(self._waiting) + self._running:,} uploads are "
                                  "already waiting or being read on this server, the most it takes at once. Try "
                                  "again in a minute.")
            self._waiting.append(token)
        try:
            while True:
                with self._turns:
                    if self._waiting[0] is token and self._running < self.size:
                        self._waiting.popleft()
                        self._running += 1
                        self._turns.notify_all()
                        return
                    ahead = self._running + self._waiting.index(token)
                    if ahead == told:
                        self._turns.wait(timeout=1.0)
                        continue
                told = ahead
                if on_wait is not None:  # outside the lock: it may draw on the page
                    on_wait(ahead)
        except BaseException:
            with self._turns:
                if token in self._waiting:
                    self._waiting.remove(token)
                    self._turns.notify_all()
            raise

    def _dispatch(self, function: Callable[..., Any], args: tuple[Any, ...], what: str, memory: int,
                  seconds: float) -> tuple[str, Any]:
        start = time.monotonic()
        deadline = start + seconds
        job = pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            connection = self._launcher.fork(memory, seconds)
        except (OSError, EOFError):
            return "unavailable", None
        pidfd = None
        try:
            (pid,) = _PID.unpack(_receive_exactly(connection, _PID.size, deadline))
            pidfd = _open_pidfd(pid)
            connection.settimeout(max(0.001, deadline - time.monotonic()))
            connection.sendall(_LENGTH.pack(len(job)) + job)
            return pickle.loads(_receive(connection, deadline))
        except (TimeoutError, socket.timeout):
            return "time", None
        except (EOFError, OSError):  # the worker ended without an answer
            return ("time", None) if time.monotonic() >= deadline - 0.05 else ("crash", None)
        finally:
            connection.close()
            if pidfd is not None:
                _kill(pidfd)


def _open_pidfd(pid: int) -> int | None:
    """A handle on the worker that stays valid after it exits (so a late kill never hits another process)."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _kill(pidfd: int) -> None:
    """Stop the worker (if it has not exited already) and wait until it is gone, so that its memory is free before
    its turn passes to the next request: never more than ``size`` workers alive at once."""
    try:
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    except (AttributeError, OSError):  # already gone
        pass
    try:
        select.select([pidfd], [], [], EXIT_SECONDS)  # a pidfd is readable once its process has exited
    except (OSError, ValueError):
        pass
    finally:
        os.close(pidfd)


_MESSAGES = {
    "time": ("{what} took longer than {seconds:g} seconds and was stopped, so the map stays responsive for everyone: "
             "simplify the shapes (fewer vertices and parts) or split the file."),
    "memory": ("{what} needed more than {memory_mb:,} MB of memory and was stopped, so the map stays responsive for "
               "everyone: simplify the shapes (fewer vertices and parts) or split the file."),
    "crash": ("{what} stopped unexpectedly (its worker ended without an answer); the map is unharmed. Try again; if "
              "it happens again, simplify the shapes (fewer vertices and parts) or split the file."),
    "unavailable": "{what} could not be started: the server is too busy. Try again in a minute.",
}

_DEFAULT: Pool | None = None
_DEFAULT_LOCK = threading.Lock()


def default_pool() -> Pool:
    """The process's pool, created on first use (its launcher starts with the first job or :meth:`Pool.start`)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Pool()
        return _DEFAULT


def run_bounded(function: Callable[..., T], *args: Any, what: str, memory_mb: int = MEMORY_MB,
                seconds: float = SECONDS, on_wait: Callable[[int], None] | None = None) -> T:
    """:meth:`Pool.run` on the process's :func:`default_pool`."""
    return default_pool().run(function, *args, what=what, memory_mb=memory_mb, seconds=seconds, on_wait=on_wait)
