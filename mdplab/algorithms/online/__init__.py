"""Online exploration with regret guarantees (UCBVI, LSVI-UCB): the protocol of
:mod:`.protocol`, exact per-episode regret from the known model."""

from .protocol import OnlineResult
from .scoring import policy_regret

__all__ = ["OnlineResult", "policy_regret"]
