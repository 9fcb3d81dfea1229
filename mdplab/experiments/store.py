"""Atomic storage of experiment cells: one SQLite file, one transaction per cell.

A cell is keyed by (experiment, code fingerprint, configuration hash, replicate); the row also
holds the real seed handed to ``run_cell``. A result is written in a single transaction, so a
process killed at any moment leaves either the whole row or nothing: re-running skips the
finished cells and repeats none. A cell that raised is stored with its traceback and status
'failed'; it is retried on the next run. Cells of another fingerprint (older code, other
parameters, another BASE_SEED) stay in the file and are never read into a table.

Concurrency
-----------
- A fresh store is built under a temporary name and linked into place in one step, so
  processes opening it at the same moment see either no file or a complete database (never a
  half-initialised one, never "database is locked" from the journal-mode switch); every later
  operation runs under SQLite's busy timeout (60 s).
- Claims: before computing a cell, a run marks it 'running' with its owner
  (``host:pid:token``) and a heartbeat refreshed every ``lease / 4`` seconds. Another run skips
  cells claimed by a live owner (it computes others, then waits for them) and takes over a
  claim whose owner is dead (same host: the pid is gone) or whose heartbeat is older than the
  lease (any host).

Damage
------
A store that is empty (0 bytes: truncated), not an SQLite file, or fails SQLite's
``quick_check`` raises :class:`CorruptStoreError` naming the file and what to do;
:meth:`CellStore.move_aside` renames it (never deletes it) so a new store can start
(``mdplab run --fresh`` does this). A single row whose JSON does not parse is reported by
:meth:`CellStore.load` and recomputed, never fatal.

Schema version 2 (``PRAGMA user_version = 2``). A version-1 table (no fingerprint column) is
renamed ``cells_v1`` and kept untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["CellStore", "CorruptStoreError", "config_hash"]

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS cells (
    experiment  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    replicate   INTEGER NOT NULL,
    seed        INTEGER NOT NULL,
    config      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('done', 'failed', 'running')),
    result      TEXT,
    traceback   TEXT,
    seconds     REAL,
    owner       TEXT,
    heartbeat   REAL,
    finished_at REAL,
    PRIMARY KEY (experiment, fingerprint, config_hash, replicate)
)
"""
SQLITE_MAGIC = b"SQLite format 3\x00"
TIMEOUT = 60.0

Key = tuple[str, int]  # (config_hash, replicate)


class CorruptStoreError(RuntimeError):
    """The cell store file is damaged; the message names the file and what to do."""


def config_hash(config: dict) -> str:
    """A stable hash of a JSON-serialisable configuration (key order does not matter)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def owner_id() -> str:
    """``host:pid:token`` of this process (the token tells two lives of one pid apart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_TOKEN}"


_TOKEN = uuid.uuid4().hex[:8]


def _owner_alive(owner: str | None, heartbeat: float | None, lease: float, now: float) -> bool:
    if not owner:
        return False
    if heartbeat is None or now - heartbeat > lease:
        return False
    host, _, rest = owner.partition(":")
    if host == socket.gethostname():
        try:
            os.kill(int(rest.split(":", 1)[0]), 0)
        except ProcessLookupError:
            return False
        except (PermissionError, ValueError, OverflowError):
            return True
    return True


class CellStore:
    """The cells of every experiment, in one SQLite database file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            self._create_atomically()
        self._check_file()
        self._retry(self._migrate)

    # ------------------------------------------------------------------ opening
    def _what_to_do(self) -> str:
        return (f"Move it aside (mv '{self.path}' '{self.path}.bad') and re-run to start a new "
                "store, or run `mdplab run ... --fresh` (which moves it aside for you); the "
                "tables and figures already written are unaffected")

    def _check_file(self) -> None:
        try:
            size = self.path.stat().st_size
            with open(self.path, "rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise CorruptStoreError(f"cell store {self.path} cannot be read ({exc})") from exc
        if size == 0:
            raise CorruptStoreError(
                f"cell store {self.path} is empty (0 bytes): it was truncated, and the cells "
                f"it held are gone. {self._what_to_do()}")
        if head != SQLITE_MAGIC:
            raise CorruptStoreError(f"cell store {self.path} is not an SQLite database "
                                    f"(it starts with {head[:8]!r}). {self._what_to_do()}")

    def _create_atomically(self) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")  # persistent: stored in the file header
            con.execute(SCHEMA)
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            con.close()
        try:
            os.link(tmp, self.path)  # fails if another process got there first: fine
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not self.path.exists():
                os.replace(tmp, self.path)
        finally:
            for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()

    def _migrate(self) -> None:
        with self._db() as con:
            (ok,) = con.execute("PRAGMA quick_check").fetchone()
            if ok != "ok":
                raise CorruptStoreError(f"cell store {self.path} is damaged (SQLite quick_check:"
                                        f" {ok}). {self._what_to_do()}")
            (version,) = con.execute("PRAGMA user_version").fetchone()
            if version >= SCHEMA_VERSION:
                return
            con.execute("BEGIN IMMEDIATE")
            cols = [r[1] for r in con.execute("PRAGMA table_info(cells)")]
            if cols and "fingerprint" not in cols:
                con.execute("ALTER TABLE cells RENAME TO cells_v1")  # kept, never read
            con.execute(SCHEMA)
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            con.execute("COMMIT")
            mode = con.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                con.execute("PRAGMA journal_mode=WAL")

    def _retry(self, fn, *args):
        deadline = time.monotonic() + TIMEOUT
        delay = 0.01
        while True:
            try:
                return fn(*args)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError(
                        f"cell store {self.path} stayed locked for {TIMEOUT:.0f} s: {exc}"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection (closed afterwards); damage is reported as CorruptStoreError."""
        try:
            con = sqlite3.connect(self.path, timeout=TIMEOUT, isolation_level=None)
        except sqlite3.DatabaseError as exc:
            raise CorruptStoreError(f"cell store {self.path} cannot be opened ({exc}). "
                                    f"{self._what_to_do()}") from exc
        try:
            con.execute("PRAGMA synchronous=FULL")
            yield con
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as exc:  # "malformed", "not a database", ...
            raise CorruptStoreError(f"cell store {self.path} is damaged ({exc}). "
                                    f"{self._what_to_do()}") from exc
        finally:
            con.close()

    def move_aside(self) -> Path:
        """Rename the store (and its -wal/-shm files) to ``<name>.corrupt-<time>``; the path."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{os.getpid()}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self.path}{suffix}")
            if src.exists():
                os.replace(src, Path(f"{target}{suffix}"))
        return target

    @classmethod
    def open_or_move_aside(cls, path: str | Path) -> tuple[CellStore, Path | None]:
        """Open ``path``; if it is damaged, move it aside and start a new store there.

        Returns (store, where the damaged file went, or None).
        """
        try:
            return cls(path), None
        except CorruptStoreError:
            bad = cls.__new__(cls)
            bad.path = Path(path)
            moved = bad.move_aside()
            return cls(path), moved

    # ------------------------------------------------------------------ reading
    def load(self, experiment: str, fingerprint: str
             ) -> tuple[dict[Key, dict[str, Any]], list[tuple[Key, str]]]:
        """The finished cells of (experiment, fingerprint), and the rows that failed to parse.

        Returns ``(done, corrupt)``: ``done[(config_hash, replicate)] = {"config", "seed",
        "result"}``; ``corrupt = [((config_hash, replicate), reason), ...]`` (to recompute).
        """
        with self._db() as con:
            rows = con.execute(
                "SELECT config_hash, replicate, seed, config, result FROM cells "
                "WHERE experiment = ? AND fingerprint = ? AND status = 'done'",
                (experiment, fingerprint)).fetchall()
        done, corrupt = {}, []
        for h, rep, seed, config, result in rows:
            key = (h, int(rep))
            try:
                cfg, res = json.loads(config), json.loads(result)
                if not isinstance(cfg, dict) or not isinstance(res, dict):
                    raise ValueError("not a JSON object")
                done[key] = {"config": cfg, "seed": int(seed), "result": res}
            except (TypeError, ValueError) as exc:
                corrupt.append((key, f"{type(exc).__name__}: {exc}"))
        return done, corrupt

    def rows(self, experiment: str, status: str = "done", keys: set[Key] | None = None,
             fingerprint: str | None = None) -> list[dict]:
        """Stored cells as dicts (config keys, 'replicate', 'seed', result keys, and
        'traceback' for failures), any fingerprint unless one is given. For inspection;
        tables are built by :func:`mdplab.experiments.run_experiment`."""
        query = ("SELECT config_hash, replicate, seed, config, result, traceback FROM cells "
                 "WHERE experiment = ? AND status = ?")
        args: tuple = (experiment, status)
        if fingerprint is not None:
            query += " AND fingerprint = ?"
            args += (fingerprint,)
        with self._db() as con:
            rows = con.execute(query + " ORDER BY config_hash, replicate", args).fetchall()
        out = []
        for h, rep, seed, config, result, tb in rows:
            if keys is not None and (h, int(rep)) not in keys:
                continue
            row = {**json.loads(config), "replicate": int(rep), "seed": int(seed)}
            if result is not None:
                row.update(json.loads(result))
            if tb is not None:
                row["traceback"] = tb
            out.append(row)
        return out

    def done_keys(self, experiment: str, fingerprint: str | None = None) -> set[Key]:
        """(config_hash, replicate) of the cells that finished successfully."""
        query = "SELECT config_hash, replicate FROM cells WHERE experiment = ? AND status = 'done'"
        args: tuple = (experiment,)
        if fingerprint is not None:
            query += " AND fingerprint = ?"
            args += (fingerprint,)
        with self._db() as con:
            return {(h, int(r)) for h, r in con.execute(query, args).fetchall()}

    # ------------------------------------------------------------------ claims
    def claim(self, experiment: str, fingerprint: str,
              cells: Iterable[tuple[Key, int, str]], owner: str, lease: float) -> list[Key]:
        """Mark the claimable cells among ``cells`` = [((hash, replicate), seed, config_json)]
        as 'running' by ``owner``, in one transaction; the keys claimed.

        Claimable: no row, a failed row, or a 'running' row whose owner is dead or whose
        heartbeat is older than ``lease`` seconds.
        """
        cells = list(cells)
        if not cells:
            return []
        claimed = []
        with self._db() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                now = time.time()
                existing = {(h, int(r)): (st, ow, hb) for h, r, st, ow, hb in con.execute(
                    "SELECT config_hash, replicate, status, owner, heartbeat FROM cells "
                    "WHERE experiment = ? AND fingerprint = ?", (experiment, fingerprint))}
                for key, seed, config in cells:
                    state = existing.get(key)
                    if state is not None:
                        st, ow, hb = state
                        if st == "done":
                            continue
                        if st == "running" and ow != owner and _owner_alive(ow, hb, lease, now):
                            continue
                    con.execute("INSERT OR REPLACE INTO cells (experiment, fingerprint, "
                                "config_hash, replicate, seed, config, status, owner, "
                                "heartbeat) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                                (experiment, fingerprint, key[0], key[1], int(seed), config,
                                 owner, now))
                    claimed.append(key)
                con.execute("COMMIT")
            except BaseException:
                # a Ctrl-C delivered just after COMMIT (or before BEGIN took effect) leaves no
                # transaction to roll back; ROLLBACK would then raise and hide the interrupt
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        return claimed

    def held_elsewhere(self, experiment: str, fingerprint: str, keys: set[Key], owner: str,
                       lease: float) -> dict[Key, str]:
        """The cells among ``keys`` claimed by another live owner: key -> owner."""
        now = time.time()
        with self._db() as con:
            rows = con.execute(
                "SELECT config_hash, replicate, owner, heartbeat FROM cells WHERE experiment = ? "
                "AND fingerprint = ? AND status = 'running'", (experiment, fingerprint)
            ).fetchall()
        return {(h, int(r)): ow for h, r, ow, hb in rows
                if (h, int(r)) in keys and ow != owner and _owner_alive(ow, hb, lease, now)}

    def heartbeat(self, owner: str) -> None:
        """Refresh the heartbeat of every cell ``owner`` holds."""
        with self._db() as con:
            con.execute("UPDATE cells SET heartbeat = ? WHERE owner = ? AND status = 'running'",
                        (time.time(), owner))

    def release(self, owner: str) -> None:
        """Drop the claims ``owner`` still holds (cells it did not finish)."""
        with self._db() as con:
            con.execute("DELETE FROM cells WHERE owner = ? AND status = 'running'", (owner,))

    @contextlib.contextmanager
    def heartbeating(self, owner: str, lease: float) -> Iterator[None]:
        """Refresh ``owner``'s claims every ``lease / 4`` seconds in a thread; release the
        unfinished ones on exit (also on an exception or Ctrl-C)."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(lease / 4):
                with contextlib.suppress(Exception):
                    self.heartbeat(owner)

        thread = threading.Thread(target=beat, name="mdplab-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)
            with contextlib.suppress(Exception):
                self.release(owner)

    # ------------------------------------------------------------------ writing
    def record(self, experiment: str, fingerprint: str, config: dict, replicate: int, seed: int,
               *, result: dict | None = None, traceback: str | None = None,
               seconds: float = 0.0) -> None:
        """Store one cell's outcome in one transaction (replacing a claim or an earlier
        failure). ``result`` must be JSON-serialisable."""
        status = "done" if traceback is None else "failed"
        with self._db() as con:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "INSERT OR REPLACE INTO cells (experiment, fingerprint, config_hash, replicate, "
                "seed, config, status, result, traceback, seconds, owner, heartbeat, "
                "finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
                (experiment, fingerprint, config_hash(config), int(replicate), int(seed),
                 json.dumps(config, sort_keys=True), status,
                 None if result is None else json.dumps(result), traceback, float(seconds),
                 time.time()))
            con.execute("COMMIT")

    def mark_corrupt(self, experiment: str, fingerprint: str,
                     corrupt: Iterable[tuple[Key, str]]) -> None:
        """Turn rows that did not parse into 'failed' rows (their text kept in ``traceback``)
        so that they are recomputed like any failed cell."""
        with self._db() as con:
            con.execute("BEGIN IMMEDIATE")
            for (h, rep), why in corrupt:
                con.execute("UPDATE cells SET status = 'failed', traceback = ? || "
                            "COALESCE(result, '') WHERE experiment = ? AND fingerprint = ? AND "
                            "config_hash = ? AND replicate = ?",
                            (f"corrupt row ({why}); its stored result was: ", experiment,
                             fingerprint, h, int(rep)))
            con.execute("COMMIT")

    def clear(self, experiment: str, fingerprint: str | None = None) -> None:
        """Forget the cells of ``experiment`` (of one fingerprint only, if given)."""
        with self._db() as con:
            if fingerprint is None:
                con.execute("DELETE FROM cells WHERE experiment = ?", (experiment,))
            else:
                con.execute("DELETE FROM cells WHERE experiment = ? AND fingerprint = ?",
                            (experiment, fingerprint))
