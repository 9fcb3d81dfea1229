"""The instance registry: ``make(name, **params)``, ``list_envs()``, ``describe(name)``.

An instance is a plain function with keyword parameters, every one with a default,
that returns a model (:class:`FiniteHorizonMDP`, :class:`DiscountedMDP`,
:class:`LinearMDP` or a bandit). The :func:`register` decorator adds it to the
registry under its name; the first line of its docstring is its one-line summary.

Conventions shared by every instance (see the module docstrings for details):

- ``H`` is the horizon. Instances whose dynamics and rewards do not depend on the
  step also take ``gamma=None``: with ``gamma=None`` they return a
  :class:`FiniteHorizonMDP` with a stationary kernel, with ``gamma`` in [0, 1) a
  :class:`DiscountedMDP` with the same kernel, rewards and initial distribution
  (``H`` is then ignored). Layered instances (a reward or a code that depends on h)
  are finite-horizon only and take no ``gamma``.
- Random instances take ``seed`` (default 0): an int seed, ``None`` or a
  ``numpy.random.Generator``, passed through ``numpy.random.default_rng``; the same
  int seed gives the same arrays, bit for bit.
- Mean rewards lie in [0, 1] unless an instance says otherwise (RiverSwim with
  ``normalize=False``).
"""

from __future__ import annotations

import difflib
import inspect
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_positive_int
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP
from ..planning.results import compact_repr

__all__ = ["EnvSpec", "describe", "get_spec", "list_envs", "make", "register"]


@dataclass(frozen=True)
class EnvSpec:
    """One registered instance.

    Attributes
    ----------
    name : registry name (what :func:`make` takes).
    builder : the function that builds the model.
    summary : one line (the first line of the builder's docstring).
    defaults : the keyword parameters and their default values, in signature order.
    tags : free-form labels, e.g. ``"random"``, ``"discountable"``, ``"sum_reward_le_one"``
        (every episode's total mean reward is at most 1, so the reward_scale of GLOW,
        Amortila, Foster, Jiang, Sekhari & Xie 2024, arXiv:2401.09681, is 1).
    """

    __repr__ = compact_repr

    name: str
    builder: Callable[..., Any]
    summary: str
    defaults: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """``{"name", "summary", "defaults", "tags"}`` (what ``mdplab list`` prints)."""
        return {
            "name": self.name,
            "summary": self.summary,
            "defaults": dict(self.defaults),
            "tags": list(self.tags),
        }


_REGISTRY: dict[str, EnvSpec] = {}


def register(name: str | None = None, *, tags: tuple[str, ...] = ()) -> Callable[[Callable[...,
             Any]], Callable[..., Any]]:
    """Decorator: add an instance builder to the registry under ``name``.

    The builder must take keyword parameters only-with-defaults (every parameter
    needs a default so that ``make(name)`` works) and must have a docstring.
    """

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        key = name or fn.__name__
        if key in _REGISTRY and _REGISTRY[key].builder is not fn:
            raise ValueError(f"an instance named {key!r} is already registered")
        sig = inspect.signature(fn)
        defaults = {}
        for p in sig.parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"instance {key!r}: *args/**kwargs are not allowed")
            if p.default is p.empty:
                raise TypeError(f"instance {key!r}: parameter {p.name!r} needs a default")
            defaults[p.name] = p.default
        doc = inspect.getdoc(fn)
        if not doc:
            raise TypeError(f"instance {key!r} needs a docstring (source and parameters)")
        summary = doc.strip().splitlines()[0].strip()
        _REGISTRY[key] = EnvSpec(key, fn, summary, defaults, tuple(tags))
        return fn

    return deco


def _spec(name: str) -> EnvSpec:
    if not isinstance(name, str):
        raise TypeError(f"instance name must be a string, got {name!r}")
    try:
        return _REGISTRY[name]
    except KeyError:
        known = sorted(_REGISTRY)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown instance {name!r}{hint}; known instances: {', '.join(known)}"
        ) from None


def make(name: str, **params: Any) -> Any:
    """Build the registered instance ``name`` with the given keyword parameters.

    Raises
    ------
    ValueError
        for an unknown name (the message lists the known ones) or a bad parameter value.
    TypeError
        for a parameter the instance does not take (the message names it and lists
        the accepted ones) or a parameter of the wrong type.
    """
    spec = _spec(name)
    unknown = [k for k in params if k not in spec.defaults]
    if unknown:
        raise TypeError(
            f"instance {name!r} has no parameter {unknown[0]!r}; "
            f"its parameters are: {', '.join(spec.defaults) or '(none)'}"
        )
    return spec.builder(**params)


def list_envs() -> list[dict[str, Any]]:
    """Every registered instance, sorted by name, as ``{"name", "summary", "defaults", "tags"}``."""
    return [_REGISTRY[k].as_dict() for k in sorted(_REGISTRY)]


def get_spec(name: str) -> EnvSpec:
    """The :class:`EnvSpec` of a registered instance."""
    return _spec(name)


def describe(name: str) -> str:
    """A multi-line description: the call signature with defaults, then the full docstring."""
    spec = _spec(name)
    params = ", ".join(f"{k}={v!r}" for k, v in spec.defaults.items())
    lines = [f"{spec.name}({params})"]
    if spec.tags:
        lines.append(f"tags: {', '.join(spec.tags)}")
    lines.append("")
    lines.append(inspect.getdoc(spec.builder) or "")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Parameter checks and a model builder shared by the instance modules.


def check_probability(x, name: str) -> float:
    """Require a real number in [0, 1]; return it as a float."""
    return check_real(x, name, 0.0, 1.0)


def check_real(x, name: str, low: float = -np.inf, high: float = np.inf) -> float:
    """Require a finite real number in [low, high]; return it as a float."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {x!r}")
    x = float(x)
    if not np.isfinite(x) or x < low or x > high:
        raise ValueError(f"{name} is {x}; must lie in [{low:g}, {high:g}]")
    return x


def check_index(x, name: str, n: int) -> int:
    """Require an integer in {0, ..., n-1}; return it as an int."""
    x = check_positive_int(x, name, minimum=0)
    if x >= n:
        raise ValueError(f"{name} is {x}; must be in {{0, ..., {n - 1}}}")
    return x


def check_choice(x, name: str, choices: tuple[str, ...]) -> str:
    """Require one of the given strings."""
    if not isinstance(x, str) or x not in choices:
        raise ValueError(f"{name} is {x!r}; must be one of {', '.join(map(repr, choices))}")
    return x


def finite_or_discounted(P, r, *, H, gamma, rho=None, **model_kw):
    """A :class:`FiniteHorizonMDP` (``gamma is None``) or a :class:`DiscountedMDP`.

    ``P`` is a stationary (S, A, S) kernel (dense or SparseTransitions), ``r`` is (S, A).
    """
    if gamma is None:
        return FiniteHorizonMDP(P, r, H=H, rho=rho, **model_kw)
    return DiscountedMDP(P, r, gamma, rho=rho, **model_kw)
