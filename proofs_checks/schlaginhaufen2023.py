"""Schlaginhaufen & Kamgarpour (2023): when two entropy-regularised experts identify a reward.

Source: A. Schlaginhaufen, M. Kamgarpour (2023). *Identifiability and Generalizability in
Constrained Inverse Reinforcement Learning.* ICML 2023, arXiv:2306.00629 (abstract level: the
consistent rewards are log pi + potential shaping; transfer needs identification up to a
constant). The kernel-dimension criterion is derived in
:mod:`mdplab.algorithms.irl.identifiability`. Claim 24 of the library's IRL plan: exact (SVD
rank at tolerance 1e-9).
"""

from __future__ import annotations

import numpy as np

from mdplab.algorithms.irl import shaping_kernel_dimension
from mdplab.claims import Claim

PAPER = "schlaginhaufen2023"
SRC = "Schlaginhaufen & Kamgarpour (2023), arXiv:2306.00629"


def _dimension_without_gamma(P0, P1, gamma, tol=1e-9):
    """The criterion with the discount dropped (gamma = 1: E - P has the constants in its
    kernel for each block, so the dimension is never 1)."""
    return shaping_kernel_dimension(P0, P1, 0.999999999, tol=tol) + 1


def _dimension_one_block(P0, P1, gamma, tol=1e-9):
    """Only the first expert's block (a single expert): dimension S."""
    return shaping_kernel_dimension(P0, P0, gamma, tol=tol)


def _check(budget, rng, impl):
    n_seeds = 10 if budget == "quick" else 50
    bad = 0
    cases = 0
    for S in (3, 5):
        for A in (2, 3):
            for seed in range(n_seeds):
                g = np.random.default_rng(seed)
                P0 = g.dirichlet(np.ones(S), size=(S, A))
                P1 = g.dirichlet(np.ones(S), size=(S, A))
                bad += impl.dimension(P0, P1, 0.9) != 1
                bad += impl.dimension(P0, P0, 0.9) != S
                cases += 2
    return {"statistic": bad, "bound": 0.0, "passed": bad == 0,
            "details": {"cases": cases, "S": (3, 5), "A": (2, 3), "gamma": 0.9,
                        "seeds": n_seeds}}


CLAIMS = [
    Claim(
        id=f"{PAPER}.identifiability",
        paper=PAPER,
        statement="Two experts in independent random kernels P_0, P_1 (gamma = 0.9) identify the "
        "reward up to a constant: dim ker [E - gamma P_0, -(E - gamma P_1)] = 1; with P_1 = "
        "P_0 the dimension is S (S in {3, 5}, A in {2, 3})",
        source=f"{SRC}, identifiability up to shaping (abstract; criterion derived); claim 24",
        check=_check, implementation={"dimension": shaping_kernel_dimension},
        mutants={"single_block": {"dimension": _dimension_one_block},
                 "off_by_one": {"dimension": _dimension_without_gamma}},
    ),
]
