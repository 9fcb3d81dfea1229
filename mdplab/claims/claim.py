"""Claims: a theorem or lemma as a runnable numerical check.

A :class:`Claim` names the functions it holds to the statement (its *implementation*,
e.g. ``{"occupancy_measure": planning.occupancy_measure}``) and a ``check`` that calls
them through a namespace. A *mutant* replaces some of them with a deliberately broken
variant (pessimism flipped, a bonus halved, a count off by one); the claim's check must
fail on every mutant, which is how we know the check can fail at all.
"""

from __future__ import annotations

import time
import types
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

#: the budgets of a claim's check: "quick" (seconds; what CI runs) and "full" (minutes; the
#: one to quote)
BUDGETS = ("quick", "full")


@dataclass(frozen=True)
class Evidence:
    """The outcome of one run of a claim's check.

    Attributes
    ----------
    claim_id, budget, mutant : what was run (``mutant`` is None for the real code).
    statistic : the measured number (e.g. a max deviation, a failure rate, a slope).
    bound : the bound or target the statistic is compared with.
    relation : how they are compared, e.g. ``"<="`` or ``"in"``, for the report.
    passed : the verdict.
    interval : a confidence interval for a random statistic, else None.
    details : anything else worth reporting (sizes, p-values, seeds). A check that evaluates a
        theorem's bound on many runs reports ``details["vacuous_fraction"]``, the fraction of
        runs in which that bound was at or above the trivial bound; the report shows it.
        ``details["degenerate_calls"]`` counts the calls of a pessimistic algorithm during the
        check whose policy was decided by tie-breaking (their warnings are collected, not shown).
    seconds : wall time of the run.
    trivial_bound : the bound that holds for every algorithm (H - h in finite horizon,
        1/(1 - gamma) discounted, 1 for bandits) when ``bound`` is in the same units, else
        None. A bound at or above it says nothing: :attr:`vacuous`.
    """

    claim_id: str
    budget: str
    passed: bool
    statistic: float
    bound: float
    relation: str = "<="
    interval: tuple[float, float] | None = None
    details: dict = field(default_factory=dict)
    seconds: float = 0.0
    mutant: str | None = None
    trivial_bound: float | None = None

    @property
    def vacuous(self) -> bool:
        """True when an upper bound is at least the trivial bound, so it says nothing."""
        return (self.trivial_bound is not None and self.relation.startswith("<")
                and self.bound >= self.trivial_bound)

    def __repr__(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        interval = "" if self.interval is None else (
            f" (interval {self.interval[0]:.4g} to {self.interval[1]:.4g})")
        mutant = "" if self.mutant is None else f", mutant={self.mutant!r}"
        vac = ", vacuous" if self.vacuous else ""
        return (f"Evidence({self.claim_id!r}{mutant}, {verdict}: {self.statistic:.4g}{interval} "
                f"{self.relation} {self.bound:.4g}{vac}, budget={self.budget!r}, "
                f"{self.seconds:.2f} s)")


@dataclass(frozen=True)
class Claim:
    """One numerical claim of one paper.

    Parameters
    ----------
    id : unique, e.g. ``"foundations.pdl"``.
    paper : the key of the paper (the proofs_checks module name).
    statement : one line, in words and symbols.
    source : authors, year, arXiv id, theorem or equation.
    check : ``check(budget, rng, impl) -> dict`` with keys ``statistic``, ``bound``,
        ``passed`` and optionally ``relation``, ``interval``, ``details`` and
        ``trivial_bound`` (or a ``bound`` carrying a ``trivial`` attribute). ``impl`` is a
        namespace holding ``implementation`` (with a mutant's replacements applied).
    implementation : name -> the real function the check calls.
    mutants : mutant name -> {implementation name -> broken replacement}.
    false_alarm : the probability that the check fails although the claim holds
        (0 for exact checks), as stated by its statistical test.
    """

    id: str
    paper: str
    statement: str
    source: str
    check: Callable[..., dict]
    implementation: Mapping[str, Callable]
    mutants: Mapping[str, Mapping[str, Callable]] = field(default_factory=dict)
    false_alarm: float = 0.0

    def __post_init__(self) -> None:
        for name, overrides in self.mutants.items():
            unknown = set(overrides) - set(self.implementation)
            if unknown:
                raise ValueError(
                    f"claim {self.id}: mutant {name!r} replaces {sorted(unknown)}, which the "
                    f"check does not use (it uses {sorted(self.implementation)})"
                )

    def __repr__(self) -> str:
        return (f"Claim({self.id!r}, paper={self.paper!r}, checks {len(self.implementation)} "
                f"function(s), {len(self.mutants)} mutant(s), false_alarm={self.false_alarm:g})")

    def default_seed(self) -> int:
        """A fixed seed derived from the id, so every run of the suite is the same."""
        return zlib.crc32(self.id.encode())

    def run(self, budget: str = "quick", rng: int | np.random.Generator | None = None,
            mutant: str | None = None) -> Evidence:
        """Run the check (on the real code, or on ``mutant``) and return its Evidence."""
        if budget not in BUDGETS:
            raise ValueError(f"budget is {budget!r}; must be one of {BUDGETS}")
        funcs = dict(self.implementation)
        if mutant is not None:
            if mutant not in self.mutants:
                raise ValueError(
                    f"claim {self.id} has no mutant {mutant!r}; it has {sorted(self.mutants)}"
                )
            funcs.update(self.mutants[mutant])
        if rng is None:
            rng = np.random.default_rng(self.default_seed())
        elif not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(rng)
        from .._warnings import counting_degenerate_policies

        t0 = time.perf_counter()
        # A check runs an algorithm many times; one warning per call would bury the report.
        # Degenerate (tie-broken) policies are counted instead, and reported in the details.
        with counting_degenerate_policies() as degenerate:
            out = self.check(budget, rng, types.SimpleNamespace(**funcs))
        seconds = time.perf_counter() - t0
        n_degenerate = degenerate[0]
        missing = {"statistic", "bound", "passed"} - set(out)
        if missing:
            raise TypeError(f"claim {self.id}: check returned no {sorted(missing)}")
        trivial = out.get("trivial_bound", getattr(out["bound"], "trivial", None))
        return Evidence(
            claim_id=self.id,
            budget=budget,
            passed=bool(out["passed"]),
            statistic=float(out["statistic"]),
            bound=float(out["bound"]),
            relation=out.get("relation", "<="),
            interval=None if out.get("interval") is None else (
                float(out["interval"][0]), float(out["interval"][1])),
            details={**dict(out.get("details", {})),
                     **({"degenerate_calls": n_degenerate} if n_degenerate else {})},
            seconds=seconds,
            mutant=mutant,
            trivial_bound=None if trivial is None else float(trivial),
        )
