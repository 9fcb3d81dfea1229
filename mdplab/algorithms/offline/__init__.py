"""Offline RL with pessimism: PEVI, LCB, VI-LCB, their bounds and the exact checks.

Sources: Jin, Yang & Wang (2021), "Is Pessimism Provably Efficient for Offline RL?",
arXiv:2012.15085 (PEVI); Rashidinejad, Zhu, Ma, Jiao & Russell (2021), "Bridging Offline
Reinforcement Learning and Imitation Learning: A Tale of Pessimism", arXiv:2103.12021 (LCB,
splitting VI-LCB); Li, Shi, Chen, Chi & Wei (2022), "Settling the Sample Complexity of
Model-Based Offline Reinforcement Learning", arXiv:2204.05275 (Bernstein VI-LCB).

Modules: :mod:`.pessimistic_value_iteration` (PEVI), :mod:`.lcb` (bandits),
:mod:`.vilcb_episodic`, :mod:`.vilcb_discounted`, :mod:`.bandit_data` (offline bandit data),
:mod:`.checks` (exact event, decomposition and data-dependent bound), :mod:`.result`
(:class:`PessimisticResult`), :mod:`.degeneracy` (the tie-breaking flag).
"""

from . import (
    bandit_data,
    checks,
    degeneracy,
    lcb,
    pessimistic_value_iteration,
    vilcb_discounted,
    vilcb_episodic,
)
from ..bounds import Bound, BoundArray
from .bandit_data import *  # noqa: F403
from .checks import *  # noqa: F403
from .degeneracy import *  # noqa: F403
from .lcb import *  # noqa: F403
from .pessimistic_value_iteration import *  # noqa: F403
from .result import PessimisticResult
from .vilcb_discounted import *  # noqa: F403
from .vilcb_episodic import *  # noqa: F403

__all__ = sorted({
    "Bound",
    "BoundArray",
    "PessimisticResult",
    *bandit_data.__all__,
    *degeneracy.__all__,
    *checks.__all__,
    *lcb.__all__,
    *pessimistic_value_iteration.__all__,
    *vilcb_discounted.__all__,
    *vilcb_episodic.__all__,
})
