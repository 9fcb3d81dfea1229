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

# Offline-RL instances (../shared/specs/pessimism.md Secs. 4.5, 6.5, 7.5-7.7, 9): each
# module lists its instances in __all__.
from .gambler import *  # noqa: E402,F403
from .hard_bandits import *  # noqa: E402,F403
from .hard_discounted import *  # noqa: E402,F403
from .hard_episodic import *  # noqa: E402,F403
from .offline_linear import *  # noqa: E402,F403
from .random_mdps import garnet, random_linear, random_tabular, tabular_as_linear
from .registry import EnvSpec, describe, get_spec, list_envs, make, register

__all__ = [
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
]
