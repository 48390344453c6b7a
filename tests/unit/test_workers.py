"""The worker pool (mapkit.workers): workers start light (never the page), are bounded from their first
instruction, queue beyond the pool's size with a message, and a crash leaves a message and a working pool."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import worker_jobs
from mapkit import workers
from mapkit.errors import BudgetError

PAGE_MARKER = "mapkit_test_page_marker"


@pytest.fixture
def pool() -> Iterator[workers.Pool]:
    made = workers.Pool(2, preload=("worker_jobs",))
    yield made
    made.close()


def _until(condition, limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.01)


def test_a_worker_never_imports_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under ``streamlit run`` the main module is the page (app.py); multiprocessing imported it again in every
    worker (as ``__mp_main__``) before any limit applied."""
    page = tmp_path / "page.py"
    page.write_text(f"import sys\nsys.modules[{PAGE_MARKER!r}] = sys\nimport streamlit\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", main)
    pool = workers.Pool(1)  # the real preload: the reading and measuring code
    try:
        modules = pool.run(worker_jobs.loaded_modules, what="A test")
        name, file = pool.run(worker_jobs.main_module, what="A test")
    finally:
        pool.close()
    assert PAGE_MARKER not in modules and "__mp_main__" not in modules and "streamlit" not in modules
    assert "mapkit.data.uploads" in modules and "mapkit.analysis.nearby" in modules  # preloaded
    assert (name, file) == ("__main__", None)  # python -c: its main is one line, not a file


def test_a_worker_starts_light() -> None:
    """Workers sat at 430-500 MiB having imported the page; forked from the launcher they hold its preload only."""
    pool = workers.Pool(1, preload=workers.PRELOAD + ("worker_jobs",))
    try:
        peak = pool.run(worker_jobs.peak_rss_mb, what="A test")
    finally:
        pool.close()
    assert 20 < peak < 300


def test_results_and_the_jobs_errors_come_back(pool: workers.Pool) -> None:
    assert pool.run(worker_jobs.add, 2, 3, what="A test") == 5
    with pytest.raises(ZeroDivisionError):
        pool.run(divmod, 1, 0, what="A test")
    assert pool.running == 0 and pool.waiting == 0


def test_memory_past_the_ceiling_is_stopped(pool: workers.Pool) -> None:
    with pytest.raises(BudgetError, match=r"^A test needed more than 64 MB of memory and was stopped"):
        pool.run(bytearray, 200 * 1024**2, what="A test", memory_mb=64)


def test_the_memory_ceiling_holds_from_the_first_instruction(pool: workers.Pool) -> None:
    """The job's arguments arrive after the ceiling is set: 2 GiB unpickled is over a 64 MB budget."""
    with pytest.raises(BudgetError, match=r"needed more than 64 MB of memory"):
        pool.run(len, worker_jobs.HugeToUnpickle(), what="A test", memory_mb=64)


def test_the_time_limit_counts_from_the_first_instruction(pool: workers.Pool) -> None:
    """The old watchdog started the clock when the worker said ready, after it had unpickled its arguments (and,
    under Streamlit, imported the page); here an argument that takes 5 s to arrive is over a 0.5 s limit."""
    start = time.monotonic()
    with pytest.raises(BudgetError, match=r"^A test took longer than 0.5 seconds and was stopped"):
        pool.run(repr, worker_jobs.SlowToUnpickle(), what="A test", seconds=0.5)
    assert time.monotonic() - start < 4.5  # stopped at its limit, not after the 5 s it asked for
    with pytest.raises(BudgetError, match=r"took longer than 0.5 seconds"):
        pool.run(time.sleep, 5, what="A test", seconds=0.5)


def test_a_worker_is_gone_before_its_turn_passes_on(pool: workers.Pool, tmp_path: Path) -> None:
    """So at most ``size`` workers are ever alive, and a stopped one's memory is free for the next."""
    pid = pool.run(worker_jobs.own_pid, what="A test")
    assert not Path(f"/proc/{pid}").exists()
    with pytest.raises(BudgetError, match="took longer"):
        pool.run(worker_jobs.note_pid_and_wait, str(tmp_path / "pid"), 30.0, what="A test", seconds=1.0)
    assert not Path(f"/proc/{(tmp_path / 'pid').read_text()}").exists()
    assert _children(pool.launcher_pid) == set()


def _children(pid: int | None) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def test_a_crashed_worker_gives_a_message_and_the_pool_carries_on(pool: workers.Pool) -> None:
    with pytest.raises(BudgetError, match=r"^A test stopped unexpectedly \(its worker ended without an answer\)"):
        pool.run(worker_jobs.die, what="A test")
    assert pool.run(worker_jobs.add, 1, 1, what="A test") == 2
    assert pool.running == 0


def test_a_dead_launcher_is_started_again(pool: workers.Pool) -> None:
    assert pool.run(worker_jobs.add, 1, 2, what="A test") == 3
    first = pool.launcher_pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    _until(lambda: pool.launcher_pid is None)
    assert pool.run(worker_jobs.add, 2, 2, what="A test") == 4
    assert pool.launcher_pid not in (None, first)


def test_requests_beyond_the_pool_wait_in_order_and_say_for_how_many(tmp_path: Path) -> None:
    pool = workers.Pool(1, max_waiting=2, preload=("worker_jobs",))
    go = tmp_path / "go"
    results: dict[str, object] = {}
    told: dict[str, list[int]] = {"second": [], "third": []}

    def request(key: str) -> None:
        try:
            results[key] = pool.run(worker_jobs.wait_for, str(go), 30.0, what=key, seconds=40.0,
                                    on_wait=told[key].append if key in told else None)
        except BudgetError as exc:
            results[key] = exc

    try:
        threads = {"first": threading.Thread(target=request, args=("first",))}
        threads["first"].start()
        _until(lambda: pool.running == 1)
        for key in ("second", "third"):
            threads[key] = threading.Thread(target=request, args=(key,))
            threads[key].start()
            _until(lambda k=key: len(told[k]) == 1)
        assert told == {"second": [1], "third": [2]}
        assert pool.waiting == 2
        with pytest.raises(BudgetError, match=r"^A fourth could not start: 3 uploads are already waiting or being "
                                              r"read on this server"):
            pool.run(worker_jobs.add, 1, 1, what="A fourth")
        go.touch()
        for thread in threads.values():
            thread.join(60)
    finally:
        go.touch()
        pool.close()
    assert results == {"first": "done", "second": "done", "third": "done"}
    assert told["second"] == [1]
    assert told["third"] in ([2, 1], [2])  # [2, 1] when it woke between the first finishing and the second


def test_the_waiting_message_counts_earlier_uploads() -> None:
    assert workers.waiting_message(1).startswith("Waiting for 1 earlier upload to finish: this server works on a few "
                                                 "uploads at a time")
    assert workers.waiting_message(12).startswith("Waiting for 12 earlier uploads to finish")


def test_the_pool_size_comes_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(workers.ENV_SIZE, "3")
    assert workers.pool_size() == 3
    monkeypatch.setenv(workers.ENV_SIZE, "none")
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    monkeypatch.setattr(os, "sysconf", lambda name: {"SC_PHYS_PAGES": 2 * 1024**2, "SC_PAGE_SIZE": 4096}[name])
    assert workers.pool_size() == 2  # 8 GiB: a quarter holds two workers' budgets
    monkeypatch.delattr(os, "sched_getaffinity")
    assert workers.pool_size() == workers.DEFAULT_SIZE == 2
