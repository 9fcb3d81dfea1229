"""Converters between mdplab's exact models and the models of other libraries.

Each peer has its own module, imported on first use (``import mdplab.interop`` loads none of
them, and no peer library is imported until a converter runs):

- quantecon (Sargent & Stachurski, QuantEcon.py): :func:`from_quantecon`, :func:`to_quantecon`
  between ``quantecon.markov.DiscreteDP`` (both its product form and its state-action-pair
  form) and :class:`mdplab.DiscountedMDP`;
- gymnasium toy-text games (FrozenLake, Taxi, CliffWalking; Towers et al. 2024):
  :func:`from_toy_text` reads ``env.unwrapped.P`` into an exact model;
- pymdptoolbox (Chadès, Chapron, Cros, Garcia & Sabbadin 2014): :func:`from_mdptoolbox`,
  :func:`to_mdptoolbox` for its (A, S, S) layout;
- scipy.sparse: :func:`from_scipy_sparse` builds a :class:`mdplab.SparseTransitions` from
  csr / csc / coo arrays or matrices (one (S*A, S) matrix, a list of A (S, S) matrices, or an
  n-d coo array).

Every converter is exact: transition probabilities and rewards are copied, never rounded,
clipped or renormalised. What the other side holds and mdplab does not (quantecon's
infeasible actions, toy-text rewards that depend on the next state, terminal flags) is
translated as each function's docstring states, and refused with a message saying what to
do when no exact translation exists.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .mdptoolbox import from_mdptoolbox, to_mdptoolbox  # noqa: F401
    from .quantecon import from_quantecon, to_quantecon  # noqa: F401
    from .scipy_sparse import from_scipy_sparse  # noqa: F401
    from .toy_text import from_toy_text  # noqa: F401

#: public name -> the module (of this package) that defines it
_LAZY = {
    "from_mdptoolbox": ".mdptoolbox",
    "from_quantecon": ".quantecon",
    "from_scipy_sparse": ".scipy_sparse",
    "from_toy_text": ".toy_text",
    "to_mdptoolbox": ".mdptoolbox",
    "to_quantecon": ".quantecon",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
