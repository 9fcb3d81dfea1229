"""Timing helpers shared by the benchmark scripts (measurements, not tests)."""

from __future__ import annotations

import io
import os
import platform
import time
from collections.abc import Callable

import numpy as np
from numba import njit, prange


def median_time(fn: Callable[[], object], *, min_repeats: int = 5, budget: float = 1.0,
                max_repeats: int = 200) -> float:
    """Median wall time of ``fn()`` in seconds, after one warm-up call.

    Repeats until ``budget`` seconds are spent (at least ``min_repeats`` times).
    """
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_repeats:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= min_repeats and time.perf_counter() - start > budget:
            break
    return float(np.median(times))


@njit(cache=True, fastmath=True)
def _stream_sum(x):
    acc = x[0] * 0
    for i in range(x.shape[0]):
        acc += x[i]
    return acc


@njit(cache=True, fastmath=True, parallel=True)
def _stream_sum_parallel(x):
    acc = x[0] * 0
    for i in prange(x.shape[0]):
        acc += x[i]
    return acc


def read_time(*arrays: np.ndarray, parallel: bool = False) -> float:
    """Median time to stream every byte of ``arrays`` through the CPU once.

    This is the memory-bandwidth bound of any operator that must read them: a
    vectorised sum (numba, fastmath) over each flattened array, in its own dtype.
    ``parallel`` uses all numba threads, for comparison with parallel kernels.
    """
    flats = [np.ascontiguousarray(a).reshape(-1) for a in arrays]
    kernel = _stream_sum_parallel if parallel else _stream_sum

    def run():
        for f in flats:
            kernel(f)

    return median_time(run)


def machine_line() -> str:
    try:
        import numba

        threads = numba.get_num_threads()
    except Exception:  # pragma: no cover
        threads = "?"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:  # pragma: no cover
        pass
    return (f"{cpu}; {os.cpu_count()} cores; numba threads {threads}; "
            f"numpy {np.__version__}; python {platform.python_version()}")


def fmt_time(t: float | None) -> str:
    if t is None or not np.isfinite(t):
        return "n/a"
    if t < 1e-3:
        return f"{t * 1e6:.1f} us"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def print_table(rows: list[dict], columns: list[str], title: str = "") -> None:
    if title:
        print(f"\n{title}")
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        print("  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns))


class Tee(io.TextIOBase):
    """Write to several streams at once (a benchmark prints its tables and saves them)."""

    def __init__(self, *streams):
        self.streams = streams

    def write(self, s):
        for st in self.streams:
            st.write(s)
        return len(s)

    def flush(self):
        for st in self.streams:
            st.flush()
