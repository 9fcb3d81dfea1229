"""mdplab: exact tabular and linear MDPs, provable RL algorithms, and their theorems as checks.

The top level exports the models; the layers are subpackages:
``mdplab.planning`` (exact planning), ``mdplab.sampling`` (generative model, rollouts,
offline datasets), ``mdplab.coverage`` (concentrability, coverability), ``mdplab.envs``
(instances), ``mdplab.kernels`` (numba kernels).
"""

from .models import (
    Bandit,
    ContextualBandit,
    DiscountedMDP,
    FiniteHorizonMDP,
    LinearMDP,
    SparseTransitions,
)

__version__ = "0.1.0"

__all__ = [
    "Bandit",
    "ContextualBandit",
    "DiscountedMDP",
    "FiniteHorizonMDP",
    "LinearMDP",
    "SparseTransitions",
    "__version__",
]
