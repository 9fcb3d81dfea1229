"""Declared, typed, validated parameters of an experiment (``mdplab run NAME --set k=v``).

An experiment exposes its tunable constants as a module-level ``PARAMS`` mapping from a name
to a :class:`Param` (type, default, one-line help, optional bounds or choices)::

    PARAMS = {
        "c_b": Param(float, 0.05, "VI-LCB penalty constant (log folded in)", low=0.0),
        "H": Param(int, 100, "horizon", low=1, high=10_000),
    }
    DEFAULTS = resolve_params(PARAMS)          # a frozen Values; DEFAULTS.c_b == 0.05

and receives the values actually used as the last argument of its hooks:
``grid(quick, params)``, ``run_cell(config, seed, params)``, ``plot(table, params)`` (each with
the default ``params=DEFAULTS``, so direct calls keep working). An experiment without ``PARAMS``
keeps the plain ``run_cell(config, seed)`` signature.

Accepted types are ``int``, ``float``, ``bool`` and ``str``. An ``int`` value is accepted for a
``float`` parameter (converted); numpy scalars are converted to the Python type; a ``bool`` is
never an ``int`` here. Anything else -- an unknown name, a wrong type, a value out of bounds --
raises a :class:`ValueError` / :class:`TypeError` that names the parameter and lists the valid
ones with their types.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Param", "Values", "describe_params", "output_suffix", "overrides_of",
           "resolve_params"]

_TYPES = (int, float, bool, str)


@dataclass(frozen=True)
class Param:
    """One declared parameter: its type, default, a one-line help, and optional bounds.

    ``low``/``high`` are inclusive bounds for numbers; ``choices`` restricts the value to a
    finite set. The default must itself be valid.
    """

    type: type
    default: Any
    help: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None

    def __repr__(self) -> str:
        bounds = "".join(f", {k}={v!r}" for k, v in (("low", self.low), ("high", self.high))
                         if v is not None)
        choices = "" if self.choices is None else f", {len(self.choices)} choices"
        text = self.help if len(self.help) <= 60 else self.help[:57] + "..."
        return f"Param({self.type.__name__}, {self.default!r}, {text!r}{bounds}{choices})"

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise TypeError(f"Param type is {self.type!r}; must be one of int, float, bool, str")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
        self.check("default", self.default)

    def describe(self) -> str:
        """``float (default 0.05, >= 0): help``."""
        rules = []
        if self.low is not None:
            rules.append(f">= {self.low:g}")
        if self.high is not None:
            rules.append(f"<= {self.high:g}")
        if self.choices is not None:
            rules.append("one of " + ", ".join(map(repr, self.choices)))
        extra = "".join(f", {r}" for r in rules)
        return f"{self.type.__name__} (default {self.default!r}{extra})" + (
            f": {self.help}" if self.help else "")

    def check(self, name: str, value: Any) -> Any:
        """``value`` converted to ``self.type``; TypeError/ValueError naming ``name``."""
        if isinstance(value, np.generic):
            value = value.item()
        t = self.type
        if t is bool:
            ok = isinstance(value, bool)
        elif t is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif t is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok:
            raise TypeError(f"parameter {name!r} is {value!r} ({type(value).__name__}); "
                            f"must be {t.__name__}")
        value = t(value)
        if t is float and not math.isfinite(value):
            raise ValueError(f"parameter {name!r} is {value!r}; must be finite")
        if self.low is not None and value < self.low:
            raise ValueError(f"parameter {name!r} is {value!r}; must be >= {self.low:g}")
        if self.high is not None and value > self.high:
            raise ValueError(f"parameter {name!r} is {value!r}; must be <= {self.high:g}")
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"parameter {name!r} is {value!r}; must be one of "
                             f"{list(self.choices)}")
        return value


class Values(Mapping):
    """The resolved parameters: a frozen, ordered mapping with attribute access (``p.c_b``)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]):
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._data[key]
        except KeyError:
            raise AttributeError(f"no parameter {key!r}; the parameters are "
                                 f"{sorted(self._data)}") from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("Values are frozen; pass overrides to resolve_params")

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._data.items())))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self) == dict(other)

    def __repr__(self) -> str:
        return "Values(" + ", ".join(f"{k}={v!r}" for k, v in self._data.items()) + ")"

    def __reduce__(self):
        return (Values, (self._data,))


def describe_params(params: Mapping[str, Param]) -> str:
    """One line per parameter: ``name: type (default ...): help``."""
    if not params:
        return "(no parameters)"
    return "\n".join(f"  {k}: {p.describe()}" for k, p in params.items())


def resolve_params(declared: Mapping[str, Param] | None,
                   overrides: Mapping[str, Any] | None = None) -> Values:
    """Defaults of ``declared`` with ``overrides`` applied, each validated.

    Raises
    ------
    ValueError
        for an unknown name (the message lists the valid names with their types), or a value
        out of bounds; also when overrides are given to an experiment that declares none.
    TypeError
        for a value of the wrong type.
    """
    declared = dict(declared or {})
    overrides = dict(overrides or {})
    for name, p in declared.items():
        if not isinstance(p, Param):
            raise TypeError(f"PARAMS[{name!r}] is {type(p).__name__}; must be a Param")
    unknown = [k for k in overrides if k not in declared]
    if unknown:
        valid = describe_params(declared) if declared else "  (it declares no PARAMS)"
        raise ValueError(f"unknown parameter{'s' if len(unknown) > 1 else ''} "
                         f"{', '.join(map(repr, unknown))}; the valid parameters are:\n{valid}")
    values = {}
    for name, p in declared.items():
        if name in overrides:
            try:
                values[name] = p.check(name, overrides[name])
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"{exc}\nthe valid parameters are:\n"
                                f"{describe_params(declared)}") from None
        else:
            values[name] = p.default
    return Values(values)


def overrides_of(declared: Mapping[str, Param] | None, values: Mapping[str, Any]) -> dict:
    """The entries of ``values`` that differ from the declared defaults (sorted by name)."""
    declared = dict(declared or {})
    return {k: values[k] for k in sorted(values)
            if k not in declared or values[k] != declared[k].default}


def output_suffix(overrides: Mapping[str, Any]) -> str:
    """The output-name suffix of non-default parameters: ``[c_b=0.5,H=20]`` (sorted by name;
    empty for the defaults). Characters other than letters, digits and ``._+-`` in string
    values become ``_``, so the name is a valid file name everywhere."""
    if not overrides:
        return ""
    parts = []
    for k in sorted(overrides):
        v = overrides[k]
        text = repr(v) if isinstance(v, float) else str(v)
        parts.append(f"{k}={re.sub(r'[^A-Za-z0-9._+-]', '_', text)}")
    return "[" + ",".join(parts) + "]"
