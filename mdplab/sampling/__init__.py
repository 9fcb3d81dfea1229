"""Data (layer 4 of mdplab): generative model, rollouts and offline datasets.

* :class:`GenerativeModel` — next-state samples and counts at every (h,) s, a (D-gen);
* :func:`rollout` -> :class:`Episodes` — K episodes of a policy (D-traj);
* :class:`OfflineDataset` — transitions with per-step counts, empirical kernel and
  rewards, empirical models and splits; :func:`sample_iid` draws i.i.d. tuples (D-iid).

All randomness comes from an ``rng`` argument (None, int seed or numpy Generator);
the same seed gives the same arrays bit for bit, whatever the number of numba threads.
"""

from .dataset import OfflineDataset, sample_iid
from .generative import GenerativeModel, SamplingTable, SparseCounts, empirical_kernel
from .trajectories import Episodes, rollout, rollout_adaptive

__all__ = [
    "Episodes",
    "GenerativeModel",
    "OfflineDataset",
    "SamplingTable",
    "SparseCounts",
    "empirical_kernel",
    "rollout",
    "rollout_adaptive",
    "sample_iid",
]
