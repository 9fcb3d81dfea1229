"""Online exploration with regret guarantees: UCBVI-CH / UCBVI-BF (Azar, Osband & Munos 2017,
arXiv:1703.05449; :mod:`~mdplab.algorithms.online.ucb_value_iteration`) and LSVI-UCB (Jin,
Yang, Wang & Jordan 2020, arXiv:1907.05388;
:mod:`~mdplab.algorithms.online.least_squares_value_iteration`), their regret bounds, and
the protocol of :mod:`~mdplab.algorithms.online.protocol` (exact per-episode regret from the
known model); :func:`policy_regret` (:mod:`~mdplab.algorithms.online.scoring`) scores any
policy, e.g. an agent trained through gymnasium, and :class:`UCBVIAgent` is UCBVI acting
through gymnasium observations."""

from .least_squares_value_iteration import lsvi_ucb, lsvi_ucb_beta, lsvi_ucb_regret_bound
from .protocol import OnlineResult
from .scoring import policy_regret
from .ucb_value_iteration import (
    UCBVI_BONUSES,
    ucbvi,
    ucbvi_bf_regret_bound,
    ucbvi_ch_regret_bound,
    ucbvi_log,
)
from .ucbvi_agent import UCBVIAgent

__all__ = [
    "UCBVI_BONUSES",
    "OnlineResult",
    "UCBVIAgent",
    "lsvi_ucb",
    "lsvi_ucb_beta",
    "lsvi_ucb_regret_bound",
    "policy_regret",
    "ucbvi",
    "ucbvi_bf_regret_bound",
    "ucbvi_ch_regret_bound",
    "ucbvi_log",
]
