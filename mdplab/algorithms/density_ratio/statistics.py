"""Sufficient statistics of the per-layer tuple datasets D_h = {(s, a, r, s')}.

GLOW's empirical constraint and GOLF's squared losses are sums over tuples of functions of
(h, s, a, r, s'), so on a tabular model they are exact functions of counts:

* ``N[h, s, a]`` tuples, ``Rsum[h, s, a]`` their reward sum, ``Ntr[h, s, a, s']`` per next
  state (GLOW and GOLF);
* ``Rtr[h, s, a, s']`` reward sum per next state and ``R2[h, s, a]`` sum of squared rewards
  (GOLF's losses).

Rewards are stored normalised (``reward_scale * r``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["TupleStatistics"]


class TupleStatistics:
    """Running sums over all tuples added so far (mutable; one per run)."""

    def __init__(self, H: int, S: int, A: int, *, squares: bool = False) -> None:
        self.H, self.S, self.A = H, S, A
        self.N = np.zeros((H, S, A))
        self.Rsum = np.zeros((H, S, A))
        self.Ntr = np.zeros((H, S, A, S))
        self.squares = squares
        if squares:
            self.Rtr = np.zeros((H, S, A, S))
            self.R2 = np.zeros((H, S, A))

    def add_episodes(self, states: np.ndarray, actions: np.ndarray, rewards: np.ndarray,
                     scale: float) -> None:
        """Add every (h, s_h, a_h, scale * r_h, s_{h+1}) of episodes given as states (K, H+1),
        actions (K, H), rewards (K, H)."""
        h = np.broadcast_to(np.arange(self.H), actions.shape)
        self.add_tuples(h, states[:, :-1], actions, rewards, states[:, 1:], scale)

    def add_tuples(self, h: np.ndarray, s: np.ndarray, a: np.ndarray, r: np.ndarray,
                   s_next: np.ndarray, scale: float) -> None:
        """Add the tuples (h, s, a, scale * r, s_next) given as int/float arrays of one shape."""
        H, S, A = self.H, self.S, self.A
        cell = ((np.asarray(h) * S + s) * A + a).reshape(-1)
        nxt = cell * S + np.asarray(s_next).reshape(-1)
        r = scale * np.asarray(r, dtype=np.float64).reshape(-1)
        self.N += np.bincount(cell, minlength=H * S * A).reshape(H, S, A)
        self.Rsum += np.bincount(cell, weights=r, minlength=H * S * A).reshape(H, S, A)
        self.Ntr += np.bincount(nxt, minlength=H * S * A * S).reshape(H, S, A, S)
        if self.squares:
            self.Rtr += np.bincount(nxt, weights=r, minlength=H * S * A * S).reshape(H, S, A, S)
            self.R2 += np.bincount(cell, weights=r * r, minlength=H * S * A).reshape(H, S, A)

    def residual_sums(self, values: np.ndarray, next_values: np.ndarray) -> np.ndarray:
        """E[i, h, s, a] = sum over the tuples in cell (h, s, a) of the empirical residual
        hatDelta_h f_i = f_i[h, s, a] - r - max_a' f_i[h+1, s', a'] ([AFJSX24] App. E.1,
        with f_{h+1} in the last term), shape (n, H, S, A); ``next_values`` (n, H, S) is
        :meth:`ValueClass.next_values`."""
        backup = np.einsum("hsat,nht->nhsa", self.Ntr, next_values)
        return self.N[None] * values - self.Rsum[None] - backup
