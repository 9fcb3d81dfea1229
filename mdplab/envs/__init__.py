"""Instances from the literature by name: ``make(name, **params)``, ``list_envs()``, ``describe``.

>>> from mdplab import envs
>>> mdp = envs.make("riverswim", H=20)            # FiniteHorizonMDP
>>> dmdp = envs.make("riverswim", gamma=0.95)     # DiscountedMDP
>>> [e["name"] for e in envs.list_envs()][:3]
['bernoulli_bandit', 'block_lock', 'cb_expert']

Every instance is also a plain function here (``envs.riverswim(...)``). Conventions
(``H``/``gamma``, ``seed``, reward ranges) are in :mod:`mdplab.envs.registry`; each
instance's docstring gives its source, parameters and what is optimal.

gymnasium (the optional extra ``mdplab-theory[gym]``): :func:`to_gymnasium` wraps any model
as a ``gymnasium.Env``, and every instance is the gymnasium id :func:`gymnasium_id`
(``gymnasium.make("mdplab/RiverSwim-v0", H=10)``); see :mod:`mdplab.envs.gymnasium_env`.
These names import gymnasium on first use; ``import mdplab.envs`` registers the ids when
gymnasium is already imported, :func:`register_gymnasium` at any time.
"""

import sys as _sys

# ruff: noqa: F405 (the names come from the submodules' __all__ by star imports)
from .bandits import bernoulli_bandit, contextual_bandit, gap_bandit
from .block import block_lock, mixing_de_bruijn, rich_lock
from .classic import chain, combination_lock, gridworld, riverswim
from .hard_bandits import *  # noqa: E402,F403

# Offline-RL instances (Rashidinejad et al. 2021, arXiv:2103.12021; Jin et al. 2021,
# arXiv:2012.15085; Li et al. 2022, arXiv:2204.05275): each module lists them in __all__.
from .offline_gambler import *  # noqa: E402,F403
from .offline_hard_discounted import *  # noqa: E402,F403
from .offline_hard_episodic import *  # noqa: E402,F403
from .offline_linear import *  # noqa: E402,F403
from .random_mdps import garnet, random_linear, random_tabular, tabular_as_linear
from .registry import EnvSpec, describe, get_spec, list_envs, make, register

__all__ = [
    "ClippedExample",
    "ExactRegret",
    "EnvSpec",
    "GamblerInstance",
    "HardDiscountedInstance",
    "HardEpisodicInstance",
    "MdplabEnv",
    "OfflineBandit",
    "bandit_behaviour",
    "bernoulli_bandit",
    "bernoulli_kl",
    "block_lock",
    "cb_expert",
    "cb_expert_rho",
    "cb_two_point",
    "chain",
    "clipped_concentrability_example",
    "clipped_concentrability_instance",
    "combination_lock",
    "contextual_bandit",
    "describe",
    "distractor_behaviour",
    "distractor_mdp",
    "gambler",
    "gambler_instance",
    "gambler_samples",
    "gap_bandit",
    "garnet",
    "get_spec",
    "gridworld",
    "gymnasium_id",
    "hard_discounted",
    "hard_discounted_instance",
    "hard_episodic",
    "hard_episodic_instance",
    "l1",
    "l2",
    "linear_simplex",
    "list_envs",
    "mab_expert_like",
    "mab_many_arms",
    "mab_two_point",
    "make",
    "mixing_de_bruijn",
    "observation_at",
    "offline_bandit",
    "random_linear",
    "random_tabular",
    "register",
    "register_gymnasium",
    "rich_lock",
    "riverswim",
    "tabular_as_linear",
    "tabulate_policy",
    "to_gymnasium",
]

#: the names of mdplab.envs.gymnasium_env, imported (with gymnasium) on first access (PEP 562)
_GYMNASIUM_NAMES = ("ExactRegret", "MdplabEnv", "gymnasium_id", "observation_at",
                    "register_gymnasium", "tabulate_policy", "to_gymnasium")


def __getattr__(name: str):
    if name in _GYMNASIUM_NAMES:
        try:
            from . import gymnasium_env
        except ModuleNotFoundError as exc:
            if exc.name != "gymnasium":
                raise
            raise ImportError(
                f"mdplab.envs.{name} needs gymnasium, an optional dependency: "
                "pip install 'mdplab-theory[gym]'"
            ) from exc
        value = getattr(gymnasium_env, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if _sys.modules.get("gymnasium") is not None:  # gymnasium is loaded: register its ids
    from . import gymnasium_env as _gymnasium_env  # noqa: F401
