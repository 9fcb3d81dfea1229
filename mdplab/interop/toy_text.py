"""gymnasium's toy-text games (FrozenLake, Taxi, CliffWalking, and any env with the same
``env.unwrapped.P`` dict) -> exact mdplab models: :func:`from_toy_text`.

gymnasium (Towers et al. 2024, "Gymnasium: a standard interface for reinforcement learning
environments", arXiv 2407.17032) describes its discrete toy-text games by a dict
``P[s][a] = [(prob, next_state, reward, terminated), ...]``; this module reads it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._validation import PROB_NEG_TOL, PROB_SUM_TOL, as_float_array, check_choice, fmt_tol
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP, validate_rho
from ..models.sparse import SparseTransitions
from ._common import (
    build_model,
    horizon_or_discount,
    low_precision_hint,
    require_in_reward_range,
    resolve_reward_range,
)

__all__ = ["from_toy_text"]


def _items(container: object, what: str, kind: str = "state") -> list[Any]:
    """The values of a dict keyed 0..n-1 (or of a list / tuple), in key order.

    A dict whose keys are not exactly 0..n-1 is refused, naming the missing keys (the
    integers below the largest key that are absent) and any key that is not an integer.
    """
    if isinstance(container, Mapping):
        keys = list(container.keys())
        bad = [k for k in keys if isinstance(k, (bool, np.bool_))
               or not isinstance(k, numbers.Integral) or int(k) < 0]
        if bad:
            shown = ", ".join(repr(k) for k in bad[:3])
            raise ValueError(f"{what} has key(s) {shown}{', ...' if len(bad) > 3 else ''}; "
                             f"the keys of {what} must be the {kind}s 0, 1, ..., n-1 (ints)")
        present = {int(k) for k in keys}
        n = max(present) + 1 if present else 0
        missing = sorted(set(range(n)) - present)
        if missing:
            shown = ", ".join(f"{what}[{m}]" for m in missing[:5])
            raise ValueError(
                f"{what} has no {shown}{', ...' if len(missing) > 5 else ''} ({len(missing)} of "
                f"the {kind}s 0..{n - 1} missing); every {kind} needs an entry: add "
                f"{'it' if len(missing) == 1 else 'them'} (a toy-text P lists every {kind})"
            )
        return [container[k] for k in sorted(keys, key=int)]
    if isinstance(container, (list, tuple)):
        return list(container)
    raise TypeError(f"{what} must be a dict keyed 0..n-1 (or a list), got "
                    f"{type(container).__name__}")


def _read_dict(P: object) -> tuple[int, int, dict[str, np.ndarray]]:
    """Outcome arrays s, a, next, prob, reward, terminated of ``P[s][a] = [(p, s', r, t)]``."""
    rows = _items(P, "P")
    S = len(rows)
    if S == 0:
        raise ValueError("P is empty; a model needs at least one state")
    out: dict[str, list] = {k: [] for k in ("s", "a", "next", "prob", "reward", "term")}
    per_state = [_items(row, f"P[{s}]", "action") for s, row in enumerate(rows)]
    A = max(len(acts) for acts in per_state)
    if A == 0:
        raise ValueError("every P[s] is empty; a model needs at least one action")
    short = [s for s, acts in enumerate(per_state) if len(acts) != A]
    if short:
        s = short[0]
        t = next(u for u, acts in enumerate(per_state) if len(acts) == A)
        n_s = len(per_state[s])
        missing = f"P[{s}][{n_s}]" if n_s + 1 == A else f"P[{s}][{n_s}] .. P[{s}][{A - 1}]"
        raise ValueError(
            f"P[{s}] has {n_s} action(s) but P[{t}] has {A} ({len(short)} of {S} states have "
            f"fewer than {A}); mdplab models have the same actions 0..A-1 in every state: add "
            f"{missing} (or remove the extra actions of P[{t}])"
        )
    for s, acts in enumerate(per_state):
        for a, outcomes in enumerate(acts):
            where = f"P[{s}][{a}]"
            if not isinstance(outcomes, (list, tuple)) or len(outcomes) == 0:
                raise ValueError(f"{where} must be a non-empty list of (prob, next_state, "
                                 f"reward, terminated) tuples, got {outcomes!r}")
            total = []
            for k, o in enumerate(outcomes):
                w = f"{where}[{k}]"
                if not isinstance(o, (list, tuple)) or len(o) != 4:
                    raise ValueError(f"{w} is {o!r}; expected a tuple (prob, next_state, "
                                     "reward, terminated)")
                p, s2, rew, term = o
                for val, name in ((p, "prob"), (rew, "reward")):
                    if isinstance(val, (bool, np.bool_)) or not isinstance(val, numbers.Real):
                        raise TypeError(f"{w}: {name} must be a real number, got {val!r}")
                    if not math.isfinite(float(val)):
                        raise ValueError(f"{w}: {name} is {val}; must be finite")
                if isinstance(s2, (bool, np.bool_)) or not isinstance(s2, numbers.Integral):
                    raise TypeError(f"{w}: next_state must be an integer, got {s2!r}")
                if not 0 <= int(s2) < S:
                    raise ValueError(f"{w}: next_state is {s2}; must be in {{0, ..., {S - 1}}}")
                if not isinstance(term, (bool, np.bool_)):
                    raise TypeError(f"{w}: terminated must be True or False, got {term!r}")
                if float(p) < -PROB_NEG_TOL:
                    raise ValueError(f"{w}: prob is {p}; probabilities must be >= 0")
                total.append(float(p))
                out["s"].append(s)
                out["a"].append(a)
                out["next"].append(int(s2))
                out["prob"].append(float(p))
                out["reward"].append(float(rew))
                out["term"].append(bool(term))
            tot = math.fsum(total)
            if abs(tot - 1.0) > PROB_SUM_TOL:
                coarse = next((o[0].dtype for o in outcomes if isinstance(o[0], np.floating)
                               and o[0].dtype.itemsize < 8), None)
                raise ValueError(f"{where}: the probabilities sum to {tot:.12g}; they must sum "
                                 f"to 1 (tolerance {fmt_tol(PROB_SUM_TOL)}): fix the P dict "
                                 "(mdplab never renormalises)"
                                 f"{'' if coarse is None else low_precision_hint(coarse)}")
    arrays = {
        "s": np.array(out["s"], dtype=np.int64), "a": np.array(out["a"], dtype=np.int64),
        "next": np.array(out["next"], dtype=np.int64),
        "prob": np.array(out["prob"], dtype=np.float64),
        "reward": np.array(out["reward"], dtype=np.float64),
        "term": np.array(out["term"], dtype=bool),
    }
    return S, A, arrays


def _exact_sums(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """out[k] = fsum(values[keys == k]) (an exactly rounded sum per key)."""
    out = np.zeros(n)
    order = np.argsort(keys, kind="stable")
    ks, vs = keys[order], values[order]
    bounds = np.flatnonzero(np.diff(ks)) + 1
    for chunk_k, chunk_v in zip(np.split(ks, bounds), np.split(vs, bounds), strict=True):
        if chunk_k.size:
            out[chunk_k[0]] = math.fsum(chunk_v.tolist())
    return out


def _check_absorbing_is_exact(S: int, o: dict[str, np.ndarray], terminal: np.ndarray,
                              rho: np.ndarray) -> None:
    """Refuse ``terminal="absorb"`` where it would change a value reachable from rho."""
    live = o["prob"] > 0
    s, nxt, rew = o["s"], o["next"], o["reward"]
    # a terminal state whose own dynamics are already "stay, reward 0" changes nothing
    moves = live & ((nxt != s) | (rew != 0))
    hard = terminal & np.isin(np.arange(S), np.unique(s[moves]))
    if not hard.any():
        return
    start = np.flatnonzero(rho > 0)
    if hard[start].any():
        t = int(start[np.argmax(hard[start])])
        raise ValueError(
            f"rho puts mass on state {t}, which a terminated transition enters but which "
            "moves on when started from; terminal='absorb' would make it absorbing: pass "
            "terminal='sink'"
        )
    step = live & ~o["term"] & ~terminal[s]
    succ: dict[int, list[tuple[int, int]]] = {}
    for k in np.flatnonzero(step):
        succ.setdefault(int(s[k]), []).append((int(nxt[k]), int(k)))
    seen = np.zeros(S, dtype=bool)
    seen[start] = True
    stack = [int(x) for x in start]
    while stack:
        u = stack.pop()
        for v, k in succ.get(u, ()):
            if hard[v]:
                raise ValueError(
                    f"P[{u}][{int(o['a'][k])}] moves to state {v} without terminating, but "
                    f"state {v} is also entered with terminated=True; making it absorbing "
                    f"(terminal='absorb') would change the value of state {u}, which is "
                    "reachable from rho: pass terminal='sink' (an extra absorbing state that "
                    "every terminated transition enters)"
                )
            if not seen[v]:
                seen[v] = True
                stack.append(v)


def from_toy_text(
    env_or_P: Any,
    *,
    H: int | None = None,
    gamma: float | None = None,
    rho: np.ndarray | None = None,
    reward_range: tuple[float, float] | None = None,
    terminal: str = "absorb",
    sparse: bool = False,
) -> FiniteHorizonMDP | DiscountedMDP:
    r"""The exact mdplab model of a gymnasium toy-text game.

    Reads ``env.unwrapped.P`` (or a dict given directly), ``P[s][a] = [(prob, next_state,
    reward, terminated), ...]``, as gymnasium's FrozenLake, Taxi and CliffWalking hold it.

    - Duplicate next states (FrozenLake lists some twice) are summed:
      P[s, a, s'] = sum of their probabilities (an exactly rounded sum, ``math.fsum``).
    - Rewards that depend on the next state become the mean reward mdplab models hold,
      r(s, a) = sum_k prob_k reward_k. The expected return of every policy (hence every
      value, optimal policy and regret) is exactly that of the game; what the model does not
      keep is the spread of the per-step reward around its mean.
    - Terminal transitions (``terminated=True``: the episode ends on arrival). With
      ``terminal="absorb"`` (default) every state that a terminated transition enters
      becomes absorbing with reward 0 (its own entries of P are replaced by a self-loop); the
      state indices are gymnasium's observations. This is exact whenever no state reachable
      from ``rho`` enters such a state without terminating (FrozenLake, Taxi, CliffWalking
      qualify; in Taxi the only such moves start from passenger-delivered states, which no
      episode visits), and refused otherwise. With ``terminal="sink"`` every terminated
      transition enters one extra absorbing state, index S, with reward 0: exact for every
      state, at the price of S + 1 states (``rho`` gets a 0 appended).
    - gymnasium's truncation (``TimeLimit``) is not part of P: pass ``H`` to model it.

    Parameters
    ----------
    env_or_P : gymnasium.Env or dict
        An env whose ``unwrapped`` has the ``P`` dict (then ``rho`` defaults to its
        ``initial_state_distrib``), or the dict itself (``rho`` then defaults to state 0).
    H : int, optional
        Horizon: a stationary undiscounted :class:`mdplab.FiniteHorizonMDP` (the env's
        ``max_episode_steps`` is the one matching its time limit).
    gamma : float in [0, 1), optional
        Discount: a :class:`mdplab.DiscountedMDP`. Exactly one of H and gamma.
    rho : array (S,), optional
        Initial distribution (overrides the env's).
    reward_range : (float, float), optional
        Default mdplab's [0, 1] (FrozenLake fits). Taxi (-10, -1, +20) and CliffWalking
        (-1, -100, and 0 in its absorbing goal) do not: their conversion is refused with a
        message naming the ``reward_range`` to pass, e.g. ``reward_range=(-10, 20)``. It is
        not widened silently, so that a model's reward scale is always stated by its user.
    terminal : {'absorb', 'sink'}
        How terminated transitions are modelled (above).
    sparse : bool
        Store P as :class:`mdplab.SparseTransitions`.

    Returns
    -------
    FiniteHorizonMDP (H given) or DiscountedMDP (gamma given), with S (or S + 1) states.

    Raises
    ------
    TypeError
        for an env without a ``P`` dict, or entries of the wrong type (named ``P[s][a][k]``).
    ValueError
        for malformed entries, negative probabilities, probabilities of some ``P[s][a]`` not
        summing to 1 within 1e-9 (never renormalised), rewards outside ``reward_range``,
        ``terminal="absorb"`` where it is not exact, or not exactly one of H and gamma.
    """
    terminal_mode = check_choice(terminal, "terminal", ("absorb", "sink"))
    if not isinstance(sparse, (bool, np.bool_)):
        raise TypeError(f"sparse must be True or False, got {sparse!r}")
    hint = ""
    env_rho = None
    if hasattr(env_or_P, "unwrapped") and not isinstance(env_or_P, (Mapping, list, tuple)):
        inner = env_or_P.unwrapped
        P = getattr(inner, "P", None)
        if not isinstance(P, (Mapping, list, tuple)):
            raise TypeError(
                f"env {type(inner).__name__} has no P dict (env.unwrapped.P); from_toy_text "
                "reads gymnasium toy-text games (FrozenLake, Taxi, CliffWalking) whose "
                "P[s][a] lists (prob, next_state, reward, terminated)"
            )
        spec = getattr(env_or_P, "spec", None)
        steps = getattr(spec, "max_episode_steps", None)
        if steps is not None:
            hint = f" (the env's time limit is max_episode_steps={steps}: H={steps} models it)"
        env_rho = getattr(inner, "initial_state_distrib", None)
        if env_rho is None and rho is None:
            raise ValueError(f"env {type(inner).__name__} has no initial_state_distrib; pass "
                             "rho, the initial distribution (S,)")
    elif isinstance(env_or_P, (Mapping, list, tuple)):
        P = env_or_P
    else:
        raise TypeError(f"env_or_P must be a gymnasium env or its P dict, got "
                        f"{type(env_or_P).__name__}")
    H, gamma = horizon_or_discount(H, gamma, hint)
    reward_range, given = resolve_reward_range(reward_range)
    S, A, o = _read_dict(P)
    if rho is None and env_rho is not None:
        rho_arr = as_float_array(env_rho, "env.unwrapped.initial_state_distrib", ndim=1)
    elif rho is None:
        rho_arr = validate_rho(None, S)
    else:
        rho_arr = as_float_array(rho, "rho", ndim=1)
    rho_arr = np.array(validate_rho(rho_arr, S))

    is_terminal = np.zeros(S, dtype=bool)
    is_terminal[o["next"][o["term"] & (o["prob"] > 0)]] = True
    s, a, nxt, p = o["s"], o["a"], o["next"].copy(), o["prob"]
    n_states = S
    if terminal_mode == "sink" and is_terminal.any():
        n_states = S + 1
        nxt[o["term"]] = S
        rho_arr = np.append(rho_arr, 0.0)
    elif terminal_mode == "absorb":
        _check_absorbing_is_exact(S, o, is_terminal, rho_arr)
    r = _exact_sums(s * A + a, p * o["reward"], S * A).reshape(S, A)
    keys = (s * A + a) * n_states + nxt
    uniq, inv = np.unique(keys, return_inverse=True)
    probs = _exact_sums(inv, p, uniq.size)
    rows, cols = uniq // n_states, uniq % n_states
    stay = np.arange(S) if terminal_mode == "absorb" else np.array([], dtype=np.int64)
    stay = stay[is_terminal[stay]] if stay.size else stay
    if stay.size:  # absorbing terminal states: self-loops, reward 0
        drop = is_terminal[rows // A]
        rows, cols, probs = rows[~drop], cols[~drop], probs[~drop]
        extra = (stay[:, None] * A + np.arange(A)[None, :]).reshape(-1)
        rows = np.concatenate([rows, extra])
        cols = np.concatenate([cols, np.repeat(stay, A)])
        probs = np.concatenate([probs, np.ones(extra.size)])
        r[stay] = 0.0
    if n_states == S + 1:  # the sink
        rows = np.concatenate([rows, S * A + np.arange(A)])
        cols = np.concatenate([cols, np.full(A, S)])
        probs = np.concatenate([probs, np.ones(A)])
        r = np.vstack([r, np.zeros((1, A))])
    raw = o["reward"][o["prob"] > 0]
    suggest = (min(float(raw.min()), float(r.min())), max(float(raw.max()), float(r.max())))
    require_in_reward_range(r, "r (the mean rewards of the P dict, 0 in absorbing states)",
                            reward_range, given, suggest=suggest)
    shape = (n_states, A, n_states)
    if sparse:
        import scipy.sparse as sp

        M = sp.csr_matrix((probs, (rows, cols)), shape=(n_states * A, n_states))
        kernel: np.ndarray | SparseTransitions = SparseTransitions.from_scipy(M, shape)
    else:
        kernel = np.zeros((n_states * A, n_states))
        kernel[rows, cols] = probs
        kernel = kernel.reshape(shape)
    return build_model(kernel, r, H, gamma, rho_arr, reward_range)
