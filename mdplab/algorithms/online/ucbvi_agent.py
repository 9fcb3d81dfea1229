"""UCBVI as a gymnasium agent: it sees observations, actions and rewards, nothing of the model.

:class:`UCBVIAgent` is UCBVI-CH / UCBVI-BF (Azar, Osband & Munos 2017, arXiv:1703.05449,
Algorithms 3-4) or rlberry-scool's "simplified Bernstein" UCBVI (the ``"rlberry"`` mode) for
an environment with ``S`` states, ``A`` actions and episodes of ``H`` steps, stepped through
gymnasium (:func:`mdplab.envs.to_gymnasium`, ``gymnasium.make("mdplab/...")``). It knows only
``(S, A, H)``, the number of episodes ``K`` (``T = K H`` enters the bonuses' logarithm
``L = ln(5 S A T / delta)``), the bonus settings, and optionally the mean rewards (the
papers' known-reward setting); it learns the rest from the transitions it observes.

It plans with the code of :func:`mdplab.algorithms.online.ucbvi` itself: at the start of
each episode :func:`mdplab.kernels.ucbvi_reference.ucbvi_plan` computes the optimistic Q
from the statistics so far (the numpy reference, equal bit for bit to the numba kernel that
:func:`~mdplab.algorithms.online.ucbvi` runs by default), the policy is ``argmax_a Q``
(lowest index on ties), and each observed transition goes through
:func:`mdplab.kernels.ucbvi_reference.ucbvi_update`; the bonus constants and the initial
statistics are those of :func:`~mdplab.algorithms.online.ucbvi`. Fed the transitions that
``ucbvi(mdp, K, ...)`` draws, the agent therefore plays the same policies bit for bit
(tests/test_ucbvi_agent.py does this through a gymnasium environment whose random draws
follow ucbvi's order). The module docstring of
:mod:`mdplab.algorithms.online.ucb_value_iteration` gives the formulas and their sources.

The protocol (the loop of tutorial (d); step index from ``info["step"]``, or from the
observation ``(h, s)`` with ``step_in_obs=True``)::

    agent = UCBVIAgent(S, A, H, K, bonus="bf")
    agent.check_env(env)                           # the spaces must be Discrete(A), Discrete(S)
    scored = mdplab.envs.ExactRegret(env, agent.greedy_policy)
    for k in range(K):
        obs, info = scored.reset(seed=seed if k == 0 else None)
        done = False
        while not done:
            action = agent.act(obs, info)
            next_obs, reward, terminated, truncated, next_info = scored.step(action)
            agent.update(obs, action, reward, next_obs, info)
            obs, info, done = next_obs, next_info, terminated or truncated
    sum(scored.regrets)                            # exact cumulative regret

An episode is the ``H`` transitions at steps ``h = 0, ..., H-1``, each continuing the previous
one; the agent replans when the next episode starts (its first :meth:`~UCBVIAgent.act`,
:meth:`~UCBVIAgent.greedy_policy` or :meth:`~UCBVIAgent.update` after the last step). An
episode abandoned before step ``H`` is an error, since UCBVI's counts of episodes
(``Nprime``) assume complete episodes. The agent may play more than ``K`` episodes; ``L``
stays the one fixed by ``K``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..._validation import (
    as_real_array,
    check_choice,
    check_positive_int,
    check_real,
    check_sizes,
    check_unit_open,
)
from ...kernels.ucbvi_reference import ucbvi_plan, ucbvi_update
from .ucb_value_iteration import (
    _MODE,
    UCBVI_BONUSES,
    _bonus_coefficients,
    _initial_statistics,
    ucbvi_log,
)

__all__ = ["UCBVIAgent"]


class UCBVIAgent:
    """UCBVI ([AOM17] Algorithms 3-4, or rlberry-scool's variant) acting on gymnasium
    observations (module docstring: protocol, sources).

    Parameters
    ----------
    S, A, H : int >= 1
        Number of states (observations ``0..S-1``), of actions (``0..A-1``) and steps per
        episode.
    K : int >= 1
        Number of episodes the agent is run for: ``L = ln(5 S A K H / delta)`` (as in
        :func:`~mdplab.algorithms.online.ucbvi`; unused in the ``"rlberry"`` mode).
    bonus : {"ch", "bf", "rlberry"}
        Hoeffding (Algorithm 3), Bernstein-Freedman (Algorithm 4) or rlberry-scool's
        "simplified Bernstein" bonus, as in :func:`~mdplab.algorithms.online.ucbvi`.
    delta : float in (0, 1)
        Confidence of the bonuses.
    bonus_scale : float >= 0
        Multiplies the bonus ("rlberry": rlberry's ``bonus_scale_factor``).
    rewards : array (S, A) in [0, 1], optional
        The known mean rewards R(s, a) ([AOM17]'s setting, ``known_rewards=True`` of
        :func:`~mdplab.algorithms.online.ucbvi`). None (default): the empirical mean of the
        observed rewards (``known_rewards=False``); gymnasium alone does not reveal the means.

    Attributes
    ----------
    S, A, H, K, bonus, delta, bonus_scale : as given.
    known_rewards : bool
        Whether ``rewards`` was given.
    L : float
        The bonuses' logarithm ``ln(5 S A K H / delta)``.
    episode : int
        Number of complete episodes observed (the index of the episode being played).

    Raises
    ------
    TypeError, ValueError
        for an argument of the wrong type or out of range (named in the message).
    """

    def __init__(self, S: int, A: int, H: int, K: int, *, bonus: str = "ch",
                 delta: float = 0.1, bonus_scale: float = 1.0, rewards: Any = None) -> None:
        S, A, H = check_sizes(S=S, A=A, H=H)
        K = check_positive_int(K, "K")
        bonus = check_choice(bonus, "bonus", UCBVI_BONUSES)
        delta = check_unit_open(delta, "delta")
        bonus_scale = check_real(bonus_scale, "bonus_scale", 0.0)
        if rewards is None:
            r = np.zeros((S, A))
        else:
            r = as_real_array(rewards, "rewards", shapes=((S, A),))
            bad = (r < 0.0) | (r > 1.0)
            if bad.any():
                s, a = (int(i) for i in np.argwhere(bad)[0])
                raise ValueError(f"rewards[{s}, {a}] is {r[s, a]:g}; the mean rewards must lie "
                                 "in [0, 1] (UCBVI caps Q at H)")
            r.setflags(write=False)
        self.S, self.A, self.H, self.K = S, A, H, K
        self.bonus, self.delta, self.bonus_scale = bonus, delta, bonus_scale
        self.known_rewards = rewards is not None
        self.L = ucbvi_log(S, A, H, K, delta)
        self._mode = _MODE[bonus]
        self._coefs = _bonus_coefficients(S, A, H, self.L)
        self._r = r
        (self._N_sas, self._N_sa, self._Nprime, self._R_sum, self._Q, self._B_rl,
         self._Phat_rl, self._Rhat_rl) = _initial_statistics(S, A, H, bonus)
        self._V = np.zeros((H + 1, S))
        self.episode = 0
        self._planned = -1           # the episode the current Q was planned for
        self._at: tuple[int, int] | None = None  # (h, s) the episode in progress is at

    def __repr__(self) -> str:
        return (f"UCBVIAgent(S={self.S}, A={self.A}, H={self.H}, K={self.K}, "
                f"bonus={self.bonus!r}, bonus_scale={self.bonus_scale:g}, "
                f"known_rewards={self.known_rewards}, episode={self.episode})")

    # ------------------------------------------------------------------ planning
    def _plan(self) -> None:
        """Plan once per episode, before its first step: Q from the statistics so far."""
        if self._planned == self.episode:
            return
        ch, var, lin, cap = self._coefs
        ucbvi_plan(self._mode, self.episode, self.bonus_scale, ch, var, lin, cap,
                   self.known_rewards, self._r, self._N_sas, self._N_sa, self._Nprime,
                   self._R_sum, self._Q, self._B_rl, self._Phat_rl, self._Rhat_rl, self._V)
        self._pi = np.argmax(self._Q, axis=2).astype(np.int64)
        self._planned = self.episode

    def greedy_policy(self) -> np.ndarray:
        """The deterministic policy of the current episode, (H, S) int64 (``argmax_a Q``,
        lowest index on ties), planning first if an episode has just ended: what
        :meth:`act` plays. Pass the method to :class:`mdplab.envs.ExactRegret`."""
        self._plan()
        return self._pi.copy()

    def q_values(self) -> np.ndarray:
        """The optimistic Q of the current episode, (H, S, A) float64 (a copy)."""
        self._plan()
        return self._Q.copy()

    @property
    def counts(self) -> np.ndarray:
        """N(s, a, s'), (S, A, S) int64: transitions observed (a copy)."""
        return self._N_sas.copy()

    @property
    def nprime(self) -> np.ndarray:
        """N'(h, s), (H+1, S) int64: episodes observed in state s at step h (a copy)."""
        return self._Nprime.copy()

    # ------------------------------------------------------------------ acting and learning
    def act(self, observation: Any, info: Mapping[str, Any] | None = None) -> int:
        """The action to play: ``pi[h, s]`` of the current episode's plan.

        Parameters
        ----------
        observation : int in {0..S-1}, or the pair ``(h, s)`` (``step_in_obs=True``)
        info : dict, optional
            The info returned with ``observation`` (``info["step"]`` = h); needed unless the
            observation is ``(h, s)``.

        Returns
        -------
        int
            An action in {0..A-1}.
        """
        h, s = self._step_and_state(observation, info, "observation")
        self._plan()
        return int(self._pi[h, s])

    def update(self, observation: Any, action: Any, reward: Any, next_observation: Any,
               info: Mapping[str, Any] | None = None) -> None:
        """Learn from one transition: in ``observation`` (at step h, from ``info``), the
        agent played ``action``, received ``reward`` and saw ``next_observation``.

        Parameters
        ----------
        observation, info : as for :meth:`act` (the info that came with ``observation``,
            not the one that came with ``next_observation``).
        action : int in {0..A-1}
        reward : float in [0, 1]
        next_observation : int in {0..S-1}, or ``(h + 1, s')``

        Raises
        ------
        ValueError
            for a value out of range, or a transition that does not continue the episode in
            progress (a step skipped, the wrong info passed, an episode left before step H).
        """
        h, s = self._step_and_state(observation, info, "observation")
        a = check_positive_int(action, "action", minimum=0)
        if a >= self.A:
            raise ValueError(f"action is {a}; must be in {{0, ..., {self.A - 1}}}")
        try:
            rew = check_real(reward, "reward", 0.0, 1.0)
        except ValueError as exc:
            raise ValueError(f"{exc} (UCBVI assumes rewards in [0, 1])") from None
        s_next = self._next_state(next_observation, h)
        if self._at is None:
            if h != 0:
                raise ValueError(f"update at step h = {h}, but no episode is in progress: an "
                                 "episode starts with the transition at h = 0")
            self._plan()  # the plan of this episode is made before its first transition
        elif h == 0:
            raise ValueError(f"update at step h = 0, but episode {self.episode} stopped at step "
                             f"h = {self._at[0]} of H = {self.H}: UCBVIAgent learns from "
                             "complete episodes of H steps (do not truncate them)")
        elif (h, s) != self._at:
            raise ValueError(f"update at (h, s) = ({h}, {s}) does not continue the episode, "
                             f"which is at (h, s) = {self._at}: pass the observation and the "
                             "info the action was chosen from")
        ucbvi_update(self._mode, h, s, a, rew, s_next, self.bonus_scale, self._N_sas,
                     self._N_sa, self._Nprime, self._R_sum, self._B_rl, self._Phat_rl,
                     self._Rhat_rl)
        if h == self.H - 1:
            self._Nprime[self.H, s_next] += 1
            self.episode += 1
            self._at = None
        else:
            self._at = (h + 1, s_next)

    # ------------------------------------------------------------------ gymnasium
    def check_env(self, env: Any) -> None:
        """Raise ``ValueError`` unless ``env``'s spaces are those of this agent:
        ``action_space == Discrete(A)`` and ``observation_space == Discrete(S)`` or
        ``Tuple((Discrete(H + 1), Discrete(S)))`` (``step_in_obs=True``)."""
        from gymnasium import spaces

        action_space = getattr(env, "action_space", None)
        observation_space = getattr(env, "observation_space", None)
        if action_space is None or observation_space is None:
            raise TypeError(f"env must be a gymnasium environment (with action_space and "
                            f"observation_space), got {type(env).__name__}")

        def discrete(space: Any, n: int) -> bool:
            return isinstance(space, spaces.Discrete) and int(space.n) == n \
                and int(space.start) == 0

        if not discrete(action_space, self.A):
            raise ValueError(f"env.action_space is {action_space}; this UCBVIAgent has A = "
                             f"{self.A} actions and needs Discrete({self.A})")
        stepped = (isinstance(observation_space, spaces.Tuple)
                   and len(observation_space.spaces) == 2
                   and discrete(observation_space.spaces[0], self.H + 1)
                   and discrete(observation_space.spaces[1], self.S))
        if not (discrete(observation_space, self.S) or stepped):
            raise ValueError(
                f"env.observation_space is {observation_space}; this UCBVIAgent (S = {self.S}, "
                f"H = {self.H}) needs Discrete({self.S}) (the state index, observe='state') or "
                f"Tuple((Discrete({self.H + 1}), Discrete({self.S}))) (step_in_obs=True)")

    def _step_and_state(self, observation: Any, info: Mapping[str, Any] | None,
                        name: str) -> tuple[int, int]:
        if isinstance(observation, tuple):
            if len(observation) != 2:
                raise ValueError(f"{name} is a tuple of length {len(observation)}; expected "
                                 "the pair (h, s) of step_in_obs=True")
            h = check_positive_int(observation[0], f"{name}[0] (the step h)", minimum=0)
            s = self._state(observation[1], f"{name}[1] (the state)")
            if info is not None and _info_step(info) != h:
                raise ValueError(f"{name} is at step h = {h} but info['step'] is "
                                 f"{info['step']!r}")
        else:
            if info is None:
                raise TypeError(f"{name} is the state {observation!r}; pass the info dict that "
                                "came with it (its 'step' is the step h), or make the env with "
                                "step_in_obs=True")
            h = _info_step(info)
            s = self._state(observation, name)
        if h >= self.H:
            raise ValueError(f"the step h is {h}; an action is taken at h in "
                             f"{{0, ..., {self.H - 1}}} (H = {self.H}; is the env's H larger?)")
        return h, s

    def _state(self, x: Any, name: str) -> int:
        if isinstance(x, np.ndarray):
            if x.ndim > 0:
                raise TypeError(f"{name} is an array of shape {x.shape}; UCBVIAgent is tabular "
                                "and needs the state index (make the env with observe='state')")
            x = x[()]  # a 0-d array holds one index
        s = check_positive_int(x, name, minimum=0)
        if s >= self.S:
            raise ValueError(f"{name} is {s}; must be in {{0, ..., {self.S - 1}}} "
                             f"(S = {self.S}; is the env's S larger?)")
        return s

    def _next_state(self, next_observation: Any, h: int) -> int:
        if isinstance(next_observation, tuple):
            if len(next_observation) != 2:
                raise ValueError(f"next_observation is a tuple of length {len(next_observation)}"
                                 "; expected the pair (h + 1, s') of step_in_obs=True")
            h_next = check_positive_int(next_observation[0], "next_observation[0] (the step)",
                                        minimum=0)
            if h_next != h + 1:
                raise ValueError(f"next_observation is at step {h_next}; the transition from "
                                 f"step h = {h} must end at step {h + 1}")
            return self._state(next_observation[1], "next_observation[1] (the state)")
        return self._state(next_observation, "next_observation")


def _info_step(info: Any) -> int:
    if not isinstance(info, Mapping):
        raise TypeError(f"info must be the dict returned by reset() or step(), got {info!r}")
    if "step" not in info:
        raise ValueError("info has no 'step'; pass the info of an mdplab environment "
                         "(to_gymnasium or gymnasium.make('mdplab/...')), or make it with "
                         "step_in_obs=True")
    return check_positive_int(info["step"], "info['step']", minimum=0)
