"""Tidy tables: configurations and results made JSON-exact, and the two CSV files.

- ``NAME.csv``: one row per cell, in grid order (configuration order, then replicate);
  columns = the configuration keys, ``replicate``, ``seed`` (the integer handed to
  ``run_cell``), then the scalar results.
- ``NAME.long.csv`` (only when some cell returned an array): one row per (cell, quantity,
  index), columns = the configuration keys, ``replicate``, ``seed``, ``quantity``, ``index``,
  ``value``. ``pandas.read_csv(...).query("quantity == 'vi_gap'").groupby("index").value.mean()
  .plot()`` plots any of them in one call.

``run_cell`` may return ints, floats, bools, strings, None, numpy scalars (converted) and 1-D
arrays or lists of numbers (the long table). The same normalisation is applied to every
result before it is stored, so a stored row and :func:`mdplab.experiments.rerun` agree bit for
bit (floats round-trip exactly through JSON).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["RESERVED", "normalise_config", "normalise_result", "write_csv", "write_long_csv"]

#: columns the runner adds to every row; neither a configuration nor a result may use them
RESERVED = ("replicate", "seed", "quantity", "index", "value", "traceback")


def _scalar(value: Any, where: str) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    raise TypeError(f"{where} is {value!r} ({type(value).__name__}); must be a number, bool, "
                    "string or None")


def normalise_config(config: Any, index: int) -> dict[str, Any]:
    """A grid entry as plain JSON values (numpy scalars converted; tuples become lists).

    Raises TypeError/ValueError naming the entry ``grid()[index]`` and the key, before any
    cell runs.
    """
    if not isinstance(config, Mapping):
        raise TypeError(f"grid()[{index}] is {type(config).__name__}; must be a dict")
    out = {}
    for key, value in config.items():
        if not isinstance(key, str):
            raise TypeError(f"grid()[{index}] has key {key!r}; keys must be strings")
        if key in RESERVED:
            raise ValueError(f"grid()[{index}] uses the reserved key {key!r}; the runner adds "
                             f"the columns {list(RESERVED)} itself: rename it")
        where = f"grid()[{index}][{key!r}]"
        if isinstance(value, (list, tuple, np.ndarray)):
            out[key] = [_scalar(v, where) for v in np.asarray(value, dtype=object).ravel()] \
                if isinstance(value, np.ndarray) else [_scalar(v, where) for v in value]
        else:
            out[key] = _scalar(value, where)
    try:
        text = json.dumps(out)  # keeps the grid's key order (the table's column order)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"grid()[{index}] is not JSON-serialisable: {exc}") from exc
    return json.loads(text)


def normalise_result(result: Any, config: Mapping[str, Any]) -> dict[str, Any]:
    """``run_cell``'s return value as plain JSON values (scalars, or 1-D lists of scalars).

    Raises TypeError/ValueError when it is not a dict, a key collides with a configuration key
    or a reserved column, or a value is neither a scalar nor a 1-D array.
    """
    if not isinstance(result, Mapping):
        raise TypeError(f"run_cell returned {type(result).__name__}, not a dict")
    out = {}
    for key, value in result.items():
        if not isinstance(key, str):
            raise TypeError(f"run_cell returned the key {key!r}; keys must be strings")
        if key in config:
            raise ValueError(f"run_cell returned the key {key!r}, which is also a configuration "
                             "key: the result would overwrite the configuration in the table; "
                             "rename the result")
        if key in RESERVED:
            raise ValueError(f"run_cell returned the reserved key {key!r} (the runner's columns"
                             f" are {list(RESERVED)}); rename it")
        where = f"run_cell result {key!r}"
        if isinstance(value, (list, tuple, np.ndarray)):
            arr = np.asarray(value)
            if arr.ndim != 1:
                raise ValueError(f"{where} has shape {arr.shape}; arrays must be 1-D "
                                 "(flatten it, or return one array per row)")
            out[key] = [_scalar(v, where) for v in arr.tolist()]
        else:
            out[key] = _scalar(value, where)
    try:
        return json.loads(json.dumps(out))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"run_cell's result is not JSON-serialisable: {exc}") from exc


def _atomic_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)  # atomic: readers see the old or the new table, never half of one


def _is_array(value: Any) -> bool:
    return isinstance(value, list)


def write_csv(table: list[dict], path: Path) -> None:
    """The scalar columns of ``table`` as a CSV (columns = union of keys in first-seen order;
    array-valued entries are left to :func:`write_long_csv`)."""
    rows = scalar_rows(table)
    columns = scalar_columns(rows)
    _atomic_csv(Path(path), columns, rows)


def scalar_rows(table: list[dict]) -> list[dict]:
    """The rows of ``table`` without their array-valued entries (what ``NAME.csv`` holds)."""
    return [{k: v for k, v in row.items() if not _is_array(v)} for row in table]


def scalar_columns(rows: list[dict]) -> list[str]:
    """The union of the rows' keys in first-seen order (the columns of ``NAME.csv``)."""
    return list(dict.fromkeys(k for row in rows for k in row))


def long_rows(table: list[dict], id_columns: list[str]) -> list[dict]:
    """The array-valued entries of ``table``, one dict per (cell, quantity, index), keyed by
    ``id_columns`` then ``quantity``, ``index``, ``value`` (what ``NAME.long.csv`` holds)."""
    rows = []
    for row in table:
        ids = {k: row[k] for k in id_columns if k in row}
        for key, value in row.items():
            if _is_array(value):
                rows.extend({**ids, "quantity": key, "index": i, "value": v}
                            for i, v in enumerate(value))
    return rows


def write_long_csv(table: list[dict], path: Path, id_columns: list[str]) -> bool:
    """The array-valued entries of ``table``, one row per (cell, quantity, index); False (and
    no file) when there are none."""
    rows = long_rows(table, id_columns)
    if not rows:
        return False
    _atomic_csv(Path(path), [*id_columns, "quantity", "index", "value"], rows)
    return True


def same_value(a: Any, b: Any) -> bool:
    """Equality that treats two NaNs as equal (for comparing a rerun with a stored row)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return a == b
