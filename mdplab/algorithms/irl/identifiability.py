"""Identifiability of entropy-regularised rewards from two experts (Schlaginhaufen &
Kamgarpour 2023).

Source: A. Schlaginhaufen, M. Kamgarpour (2023). *Identifiability and Generalizability in
Constrained Inverse Reinforcement Learning.* ICML 2023, arXiv:2306.00629 (abstract level
only). With entropy regularisation the rewards consistent with a soft-optimal expert in a
discounted MDP P are ``{log pi + (E - gamma P) Phi}``: identified up to potential shaping. Two
experts of the same reward in kernels P_0 and P_1 pin it down further: the consistent rewards
form an affine space of dimension ``dim ker [E - gamma P_0, -(E - gamma P_1)] - 1`` (derived
here: ``(E - gamma P_0) Phi_0 + log pi_0 = (E - gamma P_1) Phi_1 + log pi_1``, and the kernel
always holds ``(1_S, 1_S)``, which shifts the reward by the constant ``(1 - gamma)``, so the
reward is identified up to a constant iff the kernel is one-dimensional).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._validation import as_float_array, check_probability_rows, check_real

__all__ = ["shaping_kernel_dimension"]


def shaping_kernel_dimension(P0: Any, P1: Any, gamma: float, *, tol: float = 1e-9) -> int:
    """``dim ker [E - gamma P_0, -(E - gamma P_1)]`` by SVD rank (singular values above
    ``tol`` times the largest): 1 when two experts identify the reward up to a constant,
    more when they do not (S when P_1 = P_0). P0, P1 (S, A, S)."""
    gamma = check_real(gamma, "gamma", 0.0, 1.0, open_high=True)
    mats = []
    for name, P in (("P0", P0), ("P1", P1)):
        arr = as_float_array(P, name, ndim=3)
        if arr.shape[0] != arr.shape[2]:
            raise ValueError(f"{name} has shape {arr.shape}; expected (S, A, S)")
        check_probability_rows(arr, name)
        mats.append(arr)
    if mats[0].shape != mats[1].shape:
        raise ValueError(f"P0 {mats[0].shape} and P1 {mats[1].shape} differ in shape")
    S, A, _ = mats[0].shape
    E = np.kron(np.eye(S), np.ones((A, 1)))
    M = np.hstack([E - gamma * mats[0].reshape(S * A, S), -(E - gamma * mats[1].reshape(S * A, S))])
    sv = np.linalg.svd(M, compute_uv=False)
    rank = int((sv > tol * sv.max()).sum())
    return 2 * S - rank
