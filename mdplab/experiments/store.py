"""Atomic storage of finished experiment cells (one SQLite file, one transaction per cell).

A cell is keyed by (experiment, configuration hash, seed). A result is written in a single
transaction, so a process killed at any moment leaves either the whole row or nothing:
re-running skips the finished cells and repeats none. A cell that raised is stored with
its traceback and status 'failed'; it is retried on the next run.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS cells (
    experiment  TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    seed        INTEGER NOT NULL,
    config      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    result      TEXT,
    traceback   TEXT,
    seconds     REAL,
    finished_at REAL NOT NULL,
    PRIMARY KEY (experiment, config_hash, seed)
)
"""


def config_hash(config: dict) -> str:
    """A stable hash of a JSON-serialisable configuration (key order does not matter)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class CellStore:
    """The finished cells of every experiment, in one SQLite database file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")  # a reader never sees a half-written cell
        con.execute("PRAGMA synchronous=FULL")
        return con

    def done_keys(self, experiment: str) -> set[tuple[str, int]]:
        """(config_hash, seed) of the cells that finished successfully."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT config_hash, seed FROM cells WHERE experiment = ? AND status = 'done'",
                (experiment,),
            ).fetchall()
        return {(h, int(s)) for h, s in rows}

    def record(self, experiment: str, config: dict, seed: int, *, result: dict | None = None,
               traceback: str | None = None, seconds: float = 0.0) -> None:
        """Store one cell's outcome in one transaction (replacing an earlier failure)."""
        status = "done" if traceback is None else "failed"
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "INSERT OR REPLACE INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (experiment, config_hash(config), int(seed), json.dumps(config, sort_keys=True),
                 status, None if result is None else json.dumps(result), traceback,
                 float(seconds), time.time()),
            )
            con.execute("COMMIT")

    def rows(self, experiment: str, status: str = "done",
             keys: set[tuple[str, int]] | None = None) -> list[dict]:
        """The stored cells as dicts: config keys, 'seed', and result keys.

        ``keys``: only the cells whose (config_hash, seed) is in this set (the current grid;
        the store may also hold cells of another grid, e.g. the full one).
        """
        with self._connect() as con:
            rows = con.execute(
                "SELECT config_hash, config, seed, result, traceback FROM cells "
                "WHERE experiment = ? AND status = ? ORDER BY config_hash, seed",
                (experiment, status),
            ).fetchall()
        out = []
        for h, config, seed, result, tb in rows:
            if keys is not None and (h, int(seed)) not in keys:
                continue
            row = {**json.loads(config), "seed": int(seed)}
            if result is not None:
                row.update(json.loads(result))
            if tb is not None:
                row["traceback"] = tb
            out.append(row)
        return out

    def clear(self, experiment: str) -> None:
        """Forget every cell of ``experiment`` (``--fresh``)."""
        with self._connect() as con:
            con.execute("DELETE FROM cells WHERE experiment = ?", (experiment,))
