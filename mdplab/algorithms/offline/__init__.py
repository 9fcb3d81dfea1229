"""Offline RL with pessimism (../shared/specs/pessimism.md): PEVI, LCB, VI-LCB, and the exact
checks (the event E, the suboptimality decomposition, the data-dependent bounds)."""

from .checks import (
    data_dependent_bound,
    decomposition,
    event_E,
    model_evaluation_error,
    suboptimality,
)
from .lcb import *  # noqa: F403
from .pevi import *  # noqa: F403
from .result import PessimisticResult
from .vilcb_discounted import *  # noqa: F403
from .vilcb_episodic import *  # noqa: F403

__all__ = [
    "PessimisticResult",
    "data_dependent_bound",
    "decomposition",
    "event_E",
    "model_evaluation_error",
    "suboptimality",
]
