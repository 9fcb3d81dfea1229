"""Ctrl-C while the cell store claims cells: the interrupt is what the caller sees.

Found by the experiments tutorial of the documentation: a SIGINT delivered during the
``COMMIT`` of :meth:`CellStore.claim` (the signal handler runs once the statement has
returned, so the commit happened) made the cleanup's ``ROLLBACK`` raise
``sqlite3.OperationalError: cannot rollback - no transaction is active``, which hid the
KeyboardInterrupt: ``mdplab run`` then exited 1 with a traceback instead of 130.
"""

from __future__ import annotations

import sqlite3

import pytest

from mdplab.experiments import CellStore
from mdplab.experiments import store as store_module


class _InterruptAfter:
    """A connection whose ``execute(statement)`` runs it, then raises KeyboardInterrupt."""

    def __init__(self, con: sqlite3.Connection, statement: str):
        self._con, self._statement = con, statement

    def execute(self, sql, *args):
        out = self._con.execute(sql, *args)
        if sql.strip().upper() == self._statement:
            raise KeyboardInterrupt
        return out

    def __getattr__(self, name):
        return getattr(self._con, name)


def _store_interrupting(monkeypatch, tmp_path, statement: str) -> CellStore:
    store = CellStore(tmp_path / "cells.sqlite")
    real_connect = sqlite3.connect
    monkeypatch.setattr(store_module.sqlite3, "connect",
                        lambda *a, **k: _InterruptAfter(real_connect(*a, **k), statement))
    return store


CELLS = [(("h0", 0), 1, "{}"), (("h1", 0), 2, "{}")]


@pytest.mark.parametrize("statement", ["COMMIT", "BEGIN IMMEDIATE"])
def test_interrupt_during_claim_is_not_hidden(monkeypatch, tmp_path, statement):
    store = _store_interrupting(monkeypatch, tmp_path, statement)
    with pytest.raises(KeyboardInterrupt):
        store.claim("exp", "fp", CELLS, owner="me", lease=60.0)
    monkeypatch.undo()
    # committed claims stay (COMMIT) or none were made (BEGIN rolled back on close)
    rows = CellStore(tmp_path / "cells.sqlite").held_elsewhere(
        "exp", "fp", {k for k, _, _ in CELLS}, owner="someone else", lease=60.0)
    assert len(rows) == (2 if statement == "COMMIT" else 0)


def test_the_wrapper_interrupts(monkeypatch, tmp_path):
    """The test's tool works: a plain execute of the statement raises KeyboardInterrupt."""
    store = _store_interrupting(monkeypatch, tmp_path, "SELECT 1")
    with store._db() as con, pytest.raises(KeyboardInterrupt):
        con.execute("SELECT 1")
