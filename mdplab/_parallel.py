"""One way to map a function over tasks: serially, in joblib processes, or on a Dask cluster.

Used by the claims runner (layer 7) and the experiment runner (layer 8). Every backend calls
the same pure function on the same arguments, and every random seed travels inside the
arguments, so the results do not depend on the backend or on the order of completion.

Backends
--------
``'serial'``  in this process, in order.
``'joblib'``  ``jobs`` loky worker processes (joblib's pool; default: all cores);
              a worker exits by itself when the process that started it is gone.
``'dask'``    an existing cluster (``scheduler='tcp://host:port'``) or a
              ``distributed.LocalCluster`` of ``dask_workers`` single-threaded worker
              processes started here and shut down when the map is exhausted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

BACKENDS = ("serial", "joblib", "dask")


def check_backend(backend: str, *, jobs: int | None = None, scheduler: str | None = None,
                  dask_workers: int | None = None) -> None:
    """Raise a clear error for an impossible backend choice, before anything starts."""
    if backend not in BACKENDS:
        raise ValueError(f"backend is {backend!r}; must be one of {BACKENDS}")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs is {jobs!r}; must be a positive integer or None")
    if backend == "dask":
        if (scheduler is None) == (dask_workers is None):
            raise ValueError("the dask backend needs exactly one of scheduler='tcp://host:port' "
                             "(an existing cluster) or dask_workers=N (a LocalCluster); got "
                             f"scheduler={scheduler!r}, dask_workers={dask_workers!r}")
        if dask_workers is not None and (isinstance(dask_workers, bool)
                                         or not isinstance(dask_workers, int)
                                         or dask_workers < 1):
            raise ValueError(f"dask_workers is {dask_workers!r}; must be a positive integer")
        if scheduler is not None and not isinstance(scheduler, str):
            raise TypeError(f"scheduler is {type(scheduler).__name__}; must be an address "
                            "string such as 'tcp://127.0.0.1:8786'")
    elif scheduler is not None or dask_workers is not None:
        raise ValueError(f"scheduler/dask_workers were given but backend is {backend!r}; "
                         "use backend='dask'")


class SchedulerUnreachable(ConnectionError):
    """No Dask scheduler answers at the given address."""


def ensure_reachable(scheduler: str, timeout: float = 5.0) -> None:
    """Raise :class:`SchedulerUnreachable` unless a TCP connection to ``scheduler`` opens
    within ``timeout`` seconds.

    Called before a run creates anything (a store, a report), so that a wrong address costs
    seconds and leaves nothing behind. Only ``tcp://host:port`` (or ``host:port``) addresses
    are probed; other protocols (``tls://``, ``inproc://``, ``ucx://``) are left to Dask.
    """
    import socket
    from urllib.parse import urlsplit

    if not isinstance(scheduler, str) or not scheduler:
        raise TypeError(f"scheduler is {scheduler!r}; must be an address string such as "
                        "'tcp://127.0.0.1:8786'")
    address = scheduler if "://" in scheduler else f"tcp://{scheduler}"
    parts = urlsplit(address)
    if parts.scheme != "tcp":
        return
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ValueError(f"scheduler address {scheduler!r} has a bad port: {exc}") from None
    if not host or port is None:
        raise ValueError(f"scheduler address {scheduler!r} needs a host and a port, e.g. "
                         "tcp://127.0.0.1:8786")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise SchedulerUnreachable(
            f"no Dask scheduler answers at {scheduler} ({exc.strerror or exc}) within "
            f"{timeout:g} s: start one (`dask scheduler`), check the address, or use "
            "--dask-local N for a cluster on this machine") from None


@contextmanager
def dask_client(scheduler: str | None = None,
                dask_workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler``, or on a LocalCluster of ``dask_workers``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - distributed is a dependency
        raise ImportError("the dask backend needs the 'distributed' package "
                          "(pip install distributed)") from exc
    if scheduler is not None:
        ensure_reachable(scheduler)
        with Client(scheduler) as client:
            yield client
        return
    # One thread per worker: the cells are CPU-bound numpy/numba code, and processes
    # (not threads) keep them from contending for the GIL. dashboard_address=":0" takes any
    # free port: the scheduler's HTTP server starts even without a dashboard, on 8787 by
    # default, and two clusters on one machine would collide there.
    with LocalCluster(n_workers=dask_workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def map_unordered(fn: Callable, tasks: Sequence[tuple], *, backend: str = "serial",
                  jobs: int | None = None, scheduler: str | None = None,
                  dask_workers: int | None = None) -> Iterator:
    """Yield ``fn(*task)`` for every task, in order of completion.

    ``fn`` and the tasks must be picklable for the process backends. Exceptions raised by
    ``fn`` propagate; callers that want to record them catch inside ``fn``.
    """
    check_backend(backend, jobs=jobs, scheduler=scheduler, dask_workers=dask_workers)
    tasks = list(tasks)
    if backend == "serial" or not tasks:
        return (fn(*t) for t in tasks)
    if backend == "joblib":
        return _loky_unordered(fn, tasks, jobs)
    return _dask_unordered(fn, tasks, scheduler, dask_workers)


def _watch_parent(parent_pid: int, interval: float = 0.5) -> None:
    """In a worker: exit as soon as the process that started the pool is gone.

    Without this, killing ``mdplab run --jobs 2`` (SIGKILL, or a SIGTERM that Python does not
    turn into an exception) leaves its workers computing cells nobody will store.
    """
    import os
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="mdplab-parent-watch", daemon=True).start()


def _loky_unordered(fn: Callable, tasks: list[tuple], jobs: int | None) -> Iterator:
    """joblib's process pool (loky), results in order of completion; workers die with us."""
    import os
    from concurrent.futures import as_completed

    from joblib.externals.loky import get_reusable_executor

    n = jobs or os.cpu_count() or 1
    executor = get_reusable_executor(max_workers=min(n, len(tasks)), initializer=_watch_parent,
                                     initargs=(os.getpid(),))
    futures = [executor.submit(fn, *t) for t in tasks]
    try:
        for future in as_completed(futures):
            yield future.result()
    except BaseException:
        # Interrupted (Ctrl-C) or a task raised: stop the pool's work now rather than after
        # every queued task has run.
        for future in futures:
            future.cancel()
        executor.shutdown(wait=False, kill_workers=True)
        raise


def _dask_unordered(fn: Callable, tasks: list[tuple], scheduler: str | None,
                    dask_workers: int | None) -> Iterator:
    from distributed import as_completed

    with dask_client(scheduler, dask_workers) as client:
        # pure=False: two equal tasks are still two cells, never deduplicated by Dask.
        futures = [client.submit(fn, *t, pure=False) for t in tasks]
        for future in as_completed(futures):
            result = future.result()
            future.release()  # the cluster may forget the result once we have it
            yield result


def map_ordered(fn: Callable, tasks: Sequence[tuple], **backend_options: Any) -> list:
    """``[fn(*task) for task in tasks]`` on any backend, in the order of ``tasks``."""
    tasks = list(tasks)
    tagged = [(fn, i, t) for i, t in enumerate(tasks)]
    out: list = [None] * len(tasks)
    for i, value in map_unordered(_tagged_call, tagged, **backend_options):
        out[i] = value
    return out


def _tagged_call(fn: Callable, index: int, args: tuple) -> tuple[int, Any]:
    return index, fn(*args)
