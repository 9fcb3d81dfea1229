"""mdplab's exact models as gymnasium environments (Towers et al. 2024, arXiv 2407.17032).

``to_gymnasium(model)`` wraps a :class:`~mdplab.models.FiniteHorizonMDP`, a
:class:`~mdplab.models.DiscountedMDP`, a :class:`~mdplab.models.LinearMDP`, a
:class:`~mdplab.models.Bandit` or a :class:`~mdplab.models.ContextualBandit` as a
``gymnasium.Env``; every registered instance is also a gymnasium id::

    >>> import gymnasium, mdplab.envs
    >>> mdplab.envs.register_gymnasium()[:2]
    ['mdplab/BernoulliBandit-v0', 'mdplab/BlockLock-v0']
    >>> env = gymnasium.make("mdplab/RiverSwim-v0", H=10)
    >>> env.reset(seed=0)                         # s_0 ~ rho (states 1 and 2)
    (np.int64(2), {'step': 0})
    >>> env.step(1)                              # (obs, reward, terminated, truncated, info)
    (np.int64(2), 0.0, False, False, {'step': 1, 'mean_reward': 0.0})
    >>> env.unwrapped.model                      # the exact model, for exact regret
    FiniteHorizonMDP(H=10, S=6, A=2, stationary dense P, reward_dist='deterministic')

What an episode is
------------------
* ``reset(seed=s)`` seeds gymnasium's ``self.np_random`` and draws ``s_0 ~ rho`` (or
  starts at ``options={"state": s}``). Each ``step(a)`` at step ``h`` in state ``s``
  draws, in this order and from ``self.np_random`` only, the reward
  ``R ~ model.reward_dist`` with mean ``r[h, s, a]`` and the next state
  ``s' ~ P[h, s, a, :]`` (inverse CDF over the positive entries of the exact kernel, the
  sampler of :mod:`mdplab.sampling`), then moves to step ``h + 1``. The same seed and the
  same actions give the same episode, bit for bit.
* **The step index** is in ``info["step"]`` (``h`` of the returned observation, 0 after
  ``reset``, ``H`` after the last step) and in ``env.unwrapped.h``; with
  ``step_in_obs=True`` the observation is the pair ``(h, x)`` (a ``Tuple`` space,
  ``h`` in ``Discrete(H + 1)``) so that a stationary agent sees a Markov observation.
* **Finite horizon** (``FiniteHorizonMDP``, ``LinearMDP``, bandits): the ``H``-th step
  returns ``terminated=True, truncated=False``. The horizon is part of the finite-horizon
  MDP (``V_H = 0``: nothing is earned after step H), so by gymnasium's definitions the
  episode terminates; an agent that bootstraps on truncation would target
  ``r + V(s')`` at the last step, which is wrong for the objective mdplab scores (Pardo
  et al. 2018, arXiv 1712.00378, on time limits that are part of the task), and
  gymnasium's ``check_env`` refuses an environment that truncates after one step (every
  bandit). Pass ``horizon_end="truncated"`` for the ``TimeLimit`` convention
  (``truncated=True, terminated=False``) instead. Stepping a finished episode raises
  ``ResetNeeded``.
* **Discounted** (``DiscountedMDP``): episodes never terminate; ``max_episode_steps``
  truncates them (``None``: they run forever). The rewards are undiscounted samples;
  the discount ``model.gamma`` is the agent's to apply.
* **Bandits and contextual bandits** are the ``H = 1`` case: one step per episode, the
  context ``s_0 ~ rho`` is the observation, the arm is the action.
* **Linear MDPs**: the observation is the state index and ``info["phi"]`` is the current
  state's feature block ``phi[h, s, :, :]`` of shape (A, d) (row ``a`` is
  ``phi_h(s, a)``); ``observe="features"`` makes that block the observation (a ``Box``
  of shape (A, d), float64). After the last step (``h = H``) there is no step-``H``
  feature map, so the block is all zeros. Transitions and rewards come from the exact
  tabular form ``model.to_tabular()`` (``env.unwrapped.tabular``).
* ``info["mean_reward"]`` (after a step) is the exact mean ``r[h, s, a]`` of the reward
  just sampled.

Registration
------------
Instance ``name`` of :func:`mdplab.envs.list_envs` is the gymnasium id
:func:`gymnasium_id` ``(name)``: namespace ``mdplab``, the name in CamelCase, version 0
(``"riverswim"`` -> ``"mdplab/RiverSwim-v0"``). Keyword arguments of ``gymnasium.make``
that are parameters of the instance go to :func:`mdplab.envs.make` (``H``, ``gamma``,
``seed`` -- the seed that *builds* a random instance; ``reset(seed=...)`` seeds the
episodes), the others (``observe``, ``step_in_obs``, ``horizon_end``,
``render_mode``) to :func:`to_gymnasium`. ``gymnasium.make``'s own
``max_episode_steps`` adds gymnasium's ``TimeLimit`` wrapper, which is how a discounted
instance (``gamma=...``) gets finite episodes; it never reaches the environment, so a
discounted instance with ``step_in_obs=True`` is built with :func:`to_gymnasium` instead.
An instance whose *default* model is discounted (``hard_discounted``) is registered with
``max_episode_steps = ceil(10 / (1 - gamma))`` for its default gamma (gymnasium's convention
that a registered episode ends; the tail beyond it weighs ``gamma^T <= e^-10`` of the
value); ``gymnasium.make(..., max_episode_steps=N)`` overrides it and ``-1`` removes it.
The keyword ``instance`` is the registry's own: passing it to ``gymnasium.make`` is an
error (make the id of the instance you want instead).

The ids are registered by :func:`register_gymnasium`, by importing this module, and by
``import mdplab.envs`` when gymnasium is already imported (mdplab never imports gymnasium
itself before it is used). ``gymnasium.make("mdplab.envs.gymnasium_env:mdplab/RiverSwim-v0")``
works in any order, since gymnasium imports the module named before the colon.
"""

from __future__ import annotations

import math
from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces
from gymnasium.error import ResetNeeded

from .._validation import check_bool, check_choice, check_positive_int
from ..models.discounted import DiscountedMDP
from ..models.finite_horizon import FiniteHorizonMDP
from ..models.linear import LinearMDP
from ..sampling.generative import dense_rows_table, transition_table
from .registry import get_spec, list_envs, make

__all__ = ["ExactRegret", "MdplabEnv", "gymnasium_id", "observation_at", "register_gymnasium",
           "tabulate_policy", "to_gymnasium"]

#: gymnasium namespace and version of every registered instance
NAMESPACE = "mdplab"
VERSION = 0
#: what ``observe`` accepts
OBSERVE = ("state", "features")
#: words of instance names whose CamelCase is not just a capital first letter
_WORDS = {"riverswim": "RiverSwim", "gridworld": "GridWorld", "cb": "CB", "mab": "MAB"}
#: keyword arguments of ``gymnasium.make`` that go to :func:`to_gymnasium`
ENV_OPTIONS = ("observe", "step_in_obs", "horizon_end", "render_mode", "max_episode_steps")
#: what ``horizon_end`` accepts
HORIZON_END = ("terminated", "truncated")
ENTRY_POINT = "mdplab.envs.gymnasium_env:_make_registered"

_MODEL_TYPES = (FiniteHorizonMDP, DiscountedMDP, LinearMDP)


class MdplabEnv(gymnasium.Env):
    """A ``gymnasium.Env`` that steps an exact mdplab model (build it with :func:`to_gymnasium`).

    Parameters are those of :func:`to_gymnasium`; the module docstring describes an
    episode (order of the random draws, step index, truncation).

    Attributes
    ----------
    model : the mdplab model as given (``env.unwrapped.model``; score agents with it).
    tabular : FiniteHorizonMDP or DiscountedMDP
        The tabular model that is stepped: ``model`` itself, or ``model.to_tabular()``
        for a LinearMDP.
    H : int or None
        Episode length: the horizon, or ``max_episode_steps`` for a DiscountedMDP (None:
        unlimited).
    h : int or None
        Steps taken in the current episode (the step index of the current state);
        None before the first ``reset``.
    state : int or None
        The current state (None before the first ``reset``).
    action_space : Discrete(A)
    observation_space : Discrete(S), Box (A, d) for ``observe="features"``, or
        ``Tuple((Discrete(H + 1), ...))`` with ``step_in_obs=True``.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        model: FiniteHorizonMDP | DiscountedMDP | LinearMDP,
        *,
        max_episode_steps: int | None = None,
        observe: str = "state",
        step_in_obs: bool = False,
        horizon_end: str = "terminated",
        render_mode: str | None = None,
    ) -> None:
        if not isinstance(model, _MODEL_TYPES):
            raise TypeError(
                "model must be a FiniteHorizonMDP, DiscountedMDP, LinearMDP, Bandit or "
                f"ContextualBandit (mdplab.models), got {type(model).__name__}"
            )
        observe = check_choice(observe, "observe", OBSERVE)
        step_in_obs = check_bool(step_in_obs, "step_in_obs")
        horizon_end = check_choice(horizon_end, "horizon_end", HORIZON_END)
        if render_mode is not None:
            render_mode = check_choice(render_mode, "render_mode",
                                       tuple(self.metadata["render_modes"]))
        discounted = isinstance(model, DiscountedMDP)
        if discounted:
            if max_episode_steps is not None:
                max_episode_steps = check_positive_int(max_episode_steps, "max_episode_steps")
            if horizon_end != "terminated":
                raise ValueError(
                    f"horizon_end={horizon_end!r} needs a finite-horizon model; a DiscountedMDP "
                    "has no horizon: its episodes never terminate and are truncated at "
                    "max_episode_steps"
                )
            if step_in_obs and max_episode_steps is None:
                raise ValueError(
                    "step_in_obs=True for a DiscountedMDP needs max_episode_steps (the step "
                    "index must range over a finite set, Discrete(max_episode_steps + 1))"
                )
            horizon = max_episode_steps
        else:
            if max_episode_steps is not None:
                raise ValueError(
                    f"max_episode_steps is {max_episode_steps!r}, but a {type(model).__name__}'s "
                    f"episodes end at its horizon H = {model.H}; pass max_episode_steps=None "
                    "(for a shorter limit wrap the env in gymnasium.wrappers.TimeLimit)"
                )
            horizon = model.H
        if observe == "features" and not isinstance(model, LinearMDP):
            raise ValueError(
                f"observe='features' needs a LinearMDP, got a {type(model).__name__}; use "
                "observe='state', or LinearMDP.from_tabular(mdp) for one-hot features"
            )

        self.model = model
        self.tabular = model.to_tabular() if isinstance(model, LinearMDP) else model
        self.H = horizon
        self.observe = observe
        self.step_in_obs = step_in_obs
        self.horizon_end = horizon_end
        self.render_mode = render_mode
        self.h: int | None = None
        self.state: int | None = None
        self._discounted = discounted
        self._done = False
        self._last: tuple[int, float] | None = None  # (action, reward) of the last step

        S, A = self.tabular.S, self.tabular.A
        self._S, self._A = S, A
        self._r = np.asarray(self.tabular.r, dtype=np.float64)
        table, self._h_stride = transition_table(self.tabular)
        self._indptr, self._indices, self._cdf = table.indptr, table.indices, table.cdf
        rho = dense_rows_table(np.asarray(self.tabular.rho)[None, :])
        self._rho_indices, self._rho_cdf = rho.indices, rho.cdf

        self.action_space = spaces.Discrete(A)
        if observe == "features":
            phi = np.asarray(model.phi)
            low, high = min(float(phi.min()), 0.0), max(float(phi.max()), 0.0)
            base: spaces.Space = spaces.Box(low=low, high=high, shape=(A, model.d),
                                            dtype=np.float64)
        else:
            base = spaces.Discrete(S)
        self.observation_space = (
            spaces.Tuple((spaces.Discrete(horizon + 1), base)) if step_in_obs else base
        )

    # ------------------------------------------------------------------ the gymnasium API
    @property
    def spec(self) -> Any:
        """The ``gymnasium.envs.registration.EnvSpec`` that ``gymnasium.make`` built this
        env from (None for :func:`to_gymnasium`)."""
        return self.__dict__.get("_spec")

    @spec.setter
    def spec(self, value: Any) -> None:
        # gymnasium.make sets the spec right after building the env, with the registered
        # kwargs updated by the caller's: gymnasium.make("mdplab/RiverSwim-v0",
        # instance="chain") would silently be a chain under RiverSwim's id.
        kwargs = getattr(value, "kwargs", None)
        if (getattr(value, "entry_point", None) == ENTRY_POINT and isinstance(kwargs, dict)
                and getattr(value, "namespace", None) == NAMESPACE):
            instance = kwargs.get("instance")
            try:
                wanted = gymnasium_id(instance)
            except (TypeError, ValueError):
                wanted = None
            if wanted != value.id:
                raise ValueError(
                    f"gymnasium.make({value.id!r}, instance={instance!r}): 'instance' names "
                    f"the registered instance of an mdplab id and cannot be passed; make "
                    f"{wanted or 'the id of the instance you want'!r} instead"
                )
        self.__dict__["_spec"] = value

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Any, dict[str, Any]]:
        """Start an episode: ``s_0 ~ rho`` (or ``options={"state": s}``), ``h = 0``.

        Parameters
        ----------
        seed : int, optional
            Seeds ``self.np_random`` (gymnasium's convention); the same seed and the
            same actions give the same episode.
        options : dict, optional
            ``{"state": s}`` starts in state ``s`` instead of drawing from ``rho``.

        Returns
        -------
        (observation, info) with ``info["step"] == 0`` (and ``info["phi"]`` for a LinearMDP).
        """
        super().reset(seed=seed)
        start = None
        if options is not None:
            if not isinstance(options, dict):
                raise TypeError(f"options must be a dict or None, got {options!r}")
            unknown = sorted(set(options) - {"state"})
            if unknown:
                raise ValueError(f"unknown reset option {unknown[0]!r}; the options are: "
                                 "'state' (start in that state instead of s_0 ~ rho)")
            if "state" in options:
                start = check_positive_int(options["state"], "options['state']", minimum=0)
                if start >= self._S:
                    raise ValueError(f"options['state'] is {start}; must be in "
                                     f"{{0, ..., {self._S - 1}}}")
        if start is None:
            start = self._sample_start()
        self.h, self.state = 0, start
        self._done = False
        self._last = None
        return self._observation(), self._info(None)

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """Take ``action`` at step ``h`` in ``state``: sample the reward, then the next state.

        Returns
        -------
        (observation, reward, terminated, truncated, info); at ``h = H``, ``terminated``
        is True for a finite-horizon model (``truncated`` with ``horizon_end="truncated"``)
        and ``truncated`` for a DiscountedMDP's ``max_episode_steps``;
        ``info`` has ``"step"`` (the new h), ``"mean_reward"`` (r[h, s, a]) and, for a
        LinearMDP, ``"phi"``.

        Raises
        ------
        TypeError
            if ``action`` is not an integer.
        ValueError
            if ``action`` is not in the action space ``Discrete(A)``.
        gymnasium.error.ResetNeeded
            before the first ``reset`` or after the episode has ended.
        """
        if self.state is None:
            raise ResetNeeded("call reset() before step()")
        if self._done:
            raise ResetNeeded(f"the episode ended at step h = {self.h}; call reset() to start "
                              "another")
        a = self._check_action(action)
        h, s = self.h, self.state
        mean = float(self._r[s, a] if self._discounted else self._r[h, s, a])
        reward = self._sample_reward(mean)
        s_next = self._sample_next(h, s, a)
        self.h, self.state = h + 1, s_next
        self._last = (a, reward)
        at_end = self.H is not None and self.h >= self.H
        self._done = at_end
        # a DiscountedMDP's limit is outside the MDP: truncation; a horizon is inside it
        ends = "truncated" if self._discounted else self.horizon_end
        terminated = at_end and ends == "terminated"
        truncated = at_end and ends == "truncated"
        return self._observation(), reward, terminated, truncated, self._info(mean)

    def render(self) -> str | None:
        """``render_mode="ansi"``: one line, e.g. ``"h=3/20 s=2 (last: a=1, r=0.0)"``."""
        if self.render_mode is None:
            return None
        horizon = "inf" if self.H is None else str(self.H)
        if self.state is None:
            return f"h=-/{horizon} (call reset())"
        last = "" if self._last is None else f" (last: a={self._last[0]}, r={self._last[1]:g})"
        return f"h={self.h}/{horizon} s={self.state}{last}"

    # ------------------------------------------------------------------ the random draws
    def _sample_start(self) -> int:
        u = self.np_random.random()
        return int(self._rho_indices[np.searchsorted(self._rho_cdf, u, side="right")])

    def _sample_reward(self, mean: float) -> float:
        return float(self.tabular.reward_dist.sample(np.asarray(mean), self.np_random))

    def _sample_next(self, h: int, s: int, a: int) -> int:
        row = h * self._h_stride + s * self._A + a
        lo, hi = self._indptr[row], self._indptr[row + 1]
        j = np.searchsorted(self._cdf[lo:hi], self.np_random.random(), side="right")
        return int(self._indices[lo + j])

    # ------------------------------------------------------------------ helpers
    def _check_action(self, action: Any) -> int:
        A = self._A
        where = f"{{0, ..., {A - 1}}} (the action space Discrete({A}))"
        if isinstance(action, (bool, np.bool_)) or not (
                isinstance(action, (int, np.integer))
                or (isinstance(action, np.ndarray) and action.shape == ()
                    and np.issubdtype(action.dtype, np.integer))):
            raise TypeError(f"action must be an integer in {where}, got {action!r}")
        if not self.action_space.contains(action):
            raise ValueError(f"action is {int(action)}; must be in {where}")
        return int(action)

    def _features(self) -> np.ndarray:
        model = self.model
        if self.h >= model.H:
            return np.zeros((model.A, model.d))
        return np.array(model.features(self.h)[self.state], dtype=np.float64)

    def _observation(self) -> Any:
        x = self._features() if self.observe == "features" else np.int64(self.state)
        return (np.int64(self.h), x) if self.step_in_obs else x

    def _info(self, mean: float | None) -> dict[str, Any]:
        info: dict[str, Any] = {"step": self.h}
        if mean is not None:
            info["mean_reward"] = mean
        if isinstance(self.model, LinearMDP):
            info["phi"] = self._features()
        return info


def to_gymnasium(
    model: FiniteHorizonMDP | DiscountedMDP | LinearMDP,
    *,
    max_episode_steps: int | None = None,
    observe: str = "state",
    step_in_obs: bool = False,
    horizon_end: str = "terminated",
    render_mode: str | None = None,
) -> MdplabEnv:
    """A ``gymnasium.Env`` that steps ``model`` with sampled rewards and exact transitions.

    Parameters
    ----------
    model : FiniteHorizonMDP, DiscountedMDP, LinearMDP, Bandit or ContextualBandit
        Available as ``env.unwrapped.model`` (the same object), so that an agent
        trained through gymnasium can be scored with exact values and regret.
    max_episode_steps : int >= 1, optional
        DiscountedMDP only: truncate episodes after this many steps (default: never).
        A finite-horizon model's episodes end at its horizon H; passing it is an error.
    observe : {'state', 'features'}
        The state index (``Discrete(S)``), or for a LinearMDP the (A, d) feature block
        ``phi[h, s]`` of the current state (``Box``, float64; zeros at h = H).
    step_in_obs : bool
        Observe the pair ``(h, x)`` (a ``Tuple`` space, h in ``Discrete(H + 1)``)
        instead of ``x``; the step is always in ``info["step"]``.
    horizon_end : {'terminated', 'truncated'}
        Finite horizon only: what the H-th step returns, ``terminated=True`` (default:
        the horizon is part of the MDP) or ``truncated=True`` (gymnasium's ``TimeLimit``
        convention; gymnasium's ``check_env`` refuses it for H = 1).
    render_mode : {None, 'ansi'}
        ``'ansi'``: ``render()`` returns a one-line text description.

    Returns
    -------
    MdplabEnv

    Raises
    ------
    TypeError
        if ``model`` is not one of the model types, or an option has the wrong type.
    ValueError
        for an option that does not apply to the model (``observe='features'`` without
        features, ``max_episode_steps`` with a horizon, ...).

    Examples
    --------
    >>> from mdplab import envs
    >>> env = envs.to_gymnasium(envs.make("riverswim", gamma=0.9), max_episode_steps=50)
    >>> env.reset(seed=0)[0], env.step(1)[2:4]
    (np.int64(2), (False, False))
    """
    return MdplabEnv(model, max_episode_steps=max_episode_steps, observe=observe,
                     step_in_obs=step_in_obs, horizon_end=horizon_end,
                     render_mode=render_mode)


# ------------------------------------------------------------------------ registration
def gymnasium_id(name: str) -> str:
    """The gymnasium id of the registered instance ``name``: ``"mdplab/<CamelCase>-v0"``.

    Words of the name are capitalised and joined (``"bernoulli_bandit"`` ->
    ``"BernoulliBandit"``), with ``riverswim`` -> ``RiverSwim``, ``gridworld`` ->
    ``GridWorld``, ``cb`` -> ``CB`` and ``mab`` -> ``MAB``.

    >>> gymnasium_id("riverswim"), gymnasium_id("mab_two_point")
    ('mdplab/RiverSwim-v0', 'mdplab/MABTwoPoint-v0')

    Raises
    ------
    ValueError
        for a name that is not registered (the message lists the known ones).
    """
    spec = get_spec(name)
    camel = "".join(_WORDS.get(w, w[:1].upper() + w[1:]) for w in spec.name.split("_") if w)
    return f"{NAMESPACE}/{camel}-v{VERSION}"


def register_gymnasium() -> list[str]:
    """Register every instance of :func:`mdplab.envs.list_envs` with gymnasium.

    Idempotent (an id already registered by mdplab is left alone), and it also picks up
    instances registered with :func:`mdplab.envs.register` since the last call.

    Returns
    -------
    list of str
        The gymnasium ids, in the order of :func:`mdplab.envs.list_envs` (by name).
    """
    from gymnasium.envs.registration import register, registry

    ids: dict[str, str] = {}
    for entry in list_envs():
        name = entry["name"]
        env_id = gymnasium_id(name)
        if env_id in ids:
            raise ValueError(f"instances {ids[env_id]!r} and {name!r} both map to the gymnasium "
                             f"id {env_id!r}; rename one of them")
        ids[env_id] = name
        steps = _default_episode_steps(entry["defaults"])
        old = registry.get(env_id)
        if (old is None or old.entry_point != ENTRY_POINT or old.kwargs != {"instance": name}
                or old.max_episode_steps != steps):
            register(id=env_id, entry_point=ENTRY_POINT, kwargs={"instance": name},
                     max_episode_steps=steps)
    return list(ids)


def _default_episode_steps(defaults: dict[str, Any]) -> int | None:
    """The registered ``max_episode_steps`` of an instance: ``ceil(10 / (1 - gamma))``
    when its default model is discounted (a default ``gamma`` that is not None), else None
    (finite-horizon episodes end at H)."""
    gamma = defaults.get("gamma")
    if gamma is None or isinstance(gamma, bool) or not isinstance(gamma, (int, float)):
        return None
    if not 0.0 <= float(gamma) < 1.0:
        return None
    return max(1, math.ceil(10.0 / (1.0 - float(gamma)) - 1e-9))


def _make_registered(instance: str, **kwargs: Any) -> MdplabEnv:
    """gymnasium's entry point: split ``kwargs`` into instance parameters and env options."""
    spec = get_spec(instance)
    params = {k: v for k, v in kwargs.items() if k in spec.defaults}
    options = {k: v for k, v in kwargs.items() if k not in spec.defaults}
    unknown = [k for k in options if k not in ENV_OPTIONS]
    if unknown:
        raise TypeError(
            f"{gymnasium_id(instance)} has no argument {unknown[0]!r}; the instance "
            f"{instance!r} takes {', '.join(spec.defaults) or '(no parameters)'}, the "
            f"environment takes {', '.join(o for o in ENV_OPTIONS if o != 'max_episode_steps')}"
            " and gymnasium.make takes max_episode_steps (its TimeLimit)"
        )
    model = make(instance, **params)
    if (isinstance(model, DiscountedMDP) and options.get("step_in_obs") is True
            and options.get("max_episode_steps") is None):
        shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
        raise ValueError(
            f"step_in_obs=True for a discounted instance needs the env's own "
            f"max_episode_steps (the step index must range over a finite set), which "
            f"gymnasium.make does not pass on (its max_episode_steps is the TimeLimit "
            f"wrapper); build it with mdplab.envs.to_gymnasium(mdplab.envs.make({instance!r}"
            f"{', ' + shown if shown else ''}), max_episode_steps=N, step_in_obs=True)"
        )
    return MdplabEnv(model, **options)


# gymnasium.make reads the creator's metadata to check render modes
_make_registered.metadata = MdplabEnv.metadata  # type: ignore[attr-defined]

register_gymnasium()


# ---------------------------------------------------------------------- scoring agents
def _mdplab_env(env: Any) -> MdplabEnv:
    inner = getattr(env, "unwrapped", env)
    if not isinstance(inner, MdplabEnv):
        raise TypeError(f"env is {type(env).__name__} (unwrapped: {type(inner).__name__}); "
                        "pass an environment made by mdplab.envs.to_gymnasium or "
                        "gymnasium.make('mdplab/...'), possibly wrapped")
    return inner


def observation_at(env: Any, h: int, state: int) -> Any:
    """The observation ``env`` returns at step ``h`` in ``state`` (what an agent sees there),
    without touching the episode in progress: the state index, ``(h, s)`` with
    ``step_in_obs=True``, or the (A, d) feature block with ``observe="features"``."""
    inner = _mdplab_env(env)
    limit = inner.H if inner.H is not None else 0
    h = check_positive_int(h, "h", minimum=0)
    state = check_positive_int(state, "state", minimum=0)
    if inner.H is not None and h >= limit:
        raise ValueError(f"h is {h}; must be in {{0, ..., {limit - 1}}} (a step with an action)")
    if state >= inner._S:
        raise ValueError(f"state is {state}; must be in {{0, ..., {inner._S - 1}}}")
    saved = (inner.h, inner.state)
    try:
        inner.h, inner.state = h, state
        return inner._observation()
    finally:
        inner.h, inner.state = saved


def tabulate_policy(act: Any, env: Any, *, probabilities: bool = False) -> np.ndarray:
    """The policy an agent plays, as the array mdplab scores exactly.

    ``act(observation)`` is asked at every step h and state s (with the observation the
    env would show there, :func:`observation_at`): it must answer as the agent would act
    now, without learning from the question (e.g. the greedy action of its current
    tables). With ``probabilities=False`` it returns an action index and the result is
    deterministic, shape (H, S) int64 (finite horizon) or (S,) (a DiscountedMDP, asked at
    h = 0); with ``probabilities=True`` it returns a probability vector of length A and the
    result is stochastic, (H, S, A) or (S, A) (an epsilon-greedy agent, a softmax, the
    uniform random agent). Score the result with
    :func:`mdplab.algorithms.online.policy_regret`.
    """
    inner = _mdplab_env(env)
    check_bool(probabilities, "probabilities")
    if not callable(act):
        raise TypeError(f"act must be a callable observation -> action, got {act!r}")
    discounted = isinstance(inner.tabular, DiscountedMDP)
    steps = 1 if discounted else inner.tabular.H
    S, A = inner._S, inner._A
    out = np.zeros((steps, S, A)) if probabilities else np.zeros((steps, S), dtype=np.int64)
    for h in range(steps):
        for s in range(S):
            answer = act(observation_at(inner, h, s))
            if probabilities:
                p = np.asarray(answer, dtype=np.float64)
                if p.shape != (A,) or not np.all(np.isfinite(p)) or (p < 0).any() \
                        or abs(p.sum() - 1.0) > 1e-9:
                    raise ValueError(f"act at (h, s) = ({h}, {s}) returned {answer!r}; with "
                                     f"probabilities=True it must return A = {A} "
                                     "probabilities summing to 1")
                out[h, s] = p
            else:
                out[h, s] = inner._check_action(answer)
    return out[0] if discounted else out


class ExactRegret(gymnasium.Wrapper):
    """Records the exact regret of every episode an agent plays through gymnasium.

    At each ``reset``, ``policy_of_agent()`` is called and must return the policy the agent
    is about to play (an array as :func:`mdplab.algorithms.online.policy_regret` takes, e.g.
    from :func:`tabulate_policy`); its exact regret ``V*_0(rho) - V^pi_0(rho)`` is appended
    to :attr:`regrets` and put in the reset ``info["exact_regret"]``. Episodes are
    stepped unchanged. ``sum(env.regrets)`` is the agent's exact cumulative regret
    (the expectation over the start state of the papers' Regret(K)).
    """

    def __init__(self, env: Any, policy_of_agent: Any) -> None:
        super().__init__(env)
        self._model = _mdplab_env(env).model
        if not callable(policy_of_agent):
            raise TypeError("policy_of_agent must be a callable () -> policy array, got "
                            f"{policy_of_agent!r}")
        self._policy_of_agent = policy_of_agent
        self.regrets: list[float] = []

    def reset(self, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        from ..algorithms.online.scoring import policy_regret

        regret = policy_regret(self._model, self._policy_of_agent())
        obs, info = self.env.reset(**kwargs)
        self.regrets.append(regret)
        return obs, {**info, "exact_regret": regret}
