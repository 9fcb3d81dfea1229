"""mdplab: exact tabular and linear MDPs, provable RL algorithms, and their theorems as checks.

Every environment is *exact* (its kernel, rewards and features are known), so values,
occupancy measures, coverage coefficients and regret are computed exactly and compared
with what a provable algorithm achieves from samples.

The library is a stack of layers; each imports only the layers above it. The top level
exports the models; every other layer is a subpackage, imported on first attribute access
(``import mdplab`` stays cheap, ``mdplab.planning`` loads planning):

1. models        ``FiniteHorizonMDP``, ``DiscountedMDP``, ``LinearMDP``, ``Bandit``,
                 ``ContextualBandit`` (here, and in ``mdplab.models``)
2. kernels       ``mdplab.kernels``: numba loops for the hot paths (Bellman backups,
                 sampling, counting)
3. planning      ``mdplab.planning``: backward induction, value / policy iteration, the LP,
                 policy evaluation, occupancy measures, gaps (with certified error bounds)
4. data          ``mdplab.sampling``: generative model, offline datasets, rollouts
5. coverage      ``mdplab.coverage``: concentrability C*, coverability C_cov, feature
                 coverage of linear MDPs
6. algorithms    ``mdplab.algorithms`` (e.g. ``mdplab.algorithms.offline``: PEVI, LCB, VI-LCB)
                 and their papers' bounds
7. claims        ``mdplab.claims``: theorems as runnable checks (``mdplab check``)
8. experiments   ``mdplab.experiments``: parallel, resumable sweeps (``mdplab run``)
9. interfaces    the ``mdplab`` command line, plotting helpers, and ``mdplab.interop``:
                 exact converters from and to quantecon, gymnasium's toy-text games,
                 pymdptoolbox and scipy.sparse

Instances live in ``mdplab.envs`` (``mdplab.envs.make(name)``, ``mdplab list``).

Where to start::

    import mdplab
    mdp = mdplab.envs.make("riverswim", H=20)       # or build a FiniteHorizonMDP yourself
    sol = mdplab.planning.backward_induction(mdp)   # exact Q*, V*, an optimal policy
    help(mdplab.planning); help(mdplab.algorithms.offline)

Warnings issued by mdplab (degenerate or vacuous results) are :class:`MdplabWarning`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .models import (
    Bandit,
    ContextualBandit,
    DiscountedMDP,
    FiniteHorizonMDP,
    LinearMDP,
    SparseTransitions,
)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from . import (  # noqa: F401
        algorithms,
        claims,
        coverage,
        envs,
        experiments,
        interop,
        kernels,
        models,
        planning,
        plotting,
        sampling,
    )
    from ._warnings import MdplabWarning

#: the version of mdplab (the distribution ``mdplab-theory``)
__version__ = "0.1.0"

#: subpackages imported on first access (PEP 562)
_SUBMODULES = (
    "algorithms",
    "claims",
    "coverage",
    "envs",
    "experiments",
    "interop",
    "kernels",
    "models",
    "planning",
    "plotting",
    "sampling",
)
#: names imported on first access from a private module: name -> module
_LAZY_ATTRS = {"MdplabWarning": "._warnings"}

__all__ = [
    "Bandit",
    "ContextualBandit",
    "DiscountedMDP",
    "FiniteHorizonMDP",
    "LinearMDP",
    "MdplabWarning",
    "SparseTransitions",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _LAZY_ATTRS:
        value = getattr(importlib.import_module(_LAZY_ATTRS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))
