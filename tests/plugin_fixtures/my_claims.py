"""A user's own claims module, run with `mdplab check --module path/to/my_claims.py`."""

import numpy as np

from mdplab import planning
from mdplab.claims import Claim


def _check(budget, rng, impl):
    # V^pi(rho) = sum_{h,s,a} d_h(s,a) r_h(s,a) on random MDPs: exact up to round-off.
    from mdplab import FiniteHorizonMDP

    worst = 0.0
    for _ in range(3 if budget == "quick" else 30):
        P = rng.dirichlet(np.ones(4), size=(4, 2))
        r = rng.random((4, 2))
        mdp = FiniteHorizonMDP(P, r, H=5)
        sol = planning.backward_induction(mdp)
        d = impl.occupancy(mdp, sol.policy)
        worst = max(worst, abs(float((d * mdp.r).sum()) - sol.value))
    return {"statistic": worst, "bound": 1e-10, "passed": worst <= 1e-10}


def _actions_swapped(mdp, policy):
    return planning.occupancy_measure(mdp, policy)[:, :, ::-1]


CLAIMS = [
    Claim(id="user.value_is_occupancy_times_reward", paper="user",
          statement="V^pi(rho) = <d^pi, r> | exactly (a pipe | in the statement)",
          source="Puterman (1994), Sec. 6.9", check=_check,
          implementation={"occupancy": planning.occupancy_measure},
          mutants={"actions_swapped": {"occupancy": _actions_swapped}}),
]
