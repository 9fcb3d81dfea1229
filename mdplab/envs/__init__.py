"""Instances from the literature by name: ``make(name, **params)``, ``list_envs()``, ``describe``.

>>> from mdplab import envs
>>> mdp = envs.make("riverswim", H=20)            # FiniteHorizonMDP
>>> dmdp = envs.make("riverswim", gamma=0.95)     # DiscountedMDP
>>> [e["name"] for e in envs.list_envs()][:3]
['bernoulli_bandit', 'block_lock', 'chain']

Every instance is also a plain function here (``envs.riverswim(...)``). Conventions
(``H``/``gamma``, ``seed``, reward ranges) are in :mod:`mdplab.envs.registry`; each
instance's docstring gives its source, parameters and what is optimal.
"""

from .bandits import bernoulli_bandit, contextual_bandit, gap_bandit
from .block import block_lock, mixing_de_bruijn, rich_lock
from .classic import chain, combination_lock, gridworld, riverswim

# Offline-RL instances (Rashidinejad et al. 2021, arXiv:2103.12021; Jin et al. 2021,
# arXiv:2012.15085; Li et al. 2022, arXiv:2204.05275): each module lists them in __all__.
from .offline_gambler import *  # noqa: E402,F403
from .hard_bandits import *  # noqa: E402,F403
from .offline_hard_discounted import *  # noqa: E402,F403
from .offline_hard_episodic import *  # noqa: E402,F403
from .offline_linear import *  # noqa: E402,F403
from .random_mdps import garnet, random_linear, random_tabular, tabular_as_linear
from .registry import EnvSpec, describe, get_spec, list_envs, make, register

from . import hard_bandits, offline_gambler, offline_hard_discounted, offline_hard_episodic
from . import offline_linear as _offline_linear

__all__ = sorted({
    "EnvSpec",
    "bernoulli_bandit",
    "block_lock",
    "chain",
    "combination_lock",
    "contextual_bandit",
    "describe",
    "gap_bandit",
    "garnet",
    "get_spec",
    "gridworld",
    "list_envs",
    "make",
    "mixing_de_bruijn",
    "random_linear",
    "random_tabular",
    "register",
    "rich_lock",
    "riverswim",
    "tabular_as_linear",
    *offline_gambler.__all__,
    *hard_bandits.__all__,
    *offline_hard_discounted.__all__,
    *offline_hard_episodic.__all__,
    *_offline_linear.__all__,
})
