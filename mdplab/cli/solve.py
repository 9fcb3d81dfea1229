"""``mdplab list`` and ``mdplab solve``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from ._common import json_default, parse_params


def add_parsers(sub: Any) -> None:
    """Add ``list`` and ``solve`` to the subcommands ``sub``."""
    p_list = sub.add_parser("list", help="list the instances, claims and experiments")
    p_list.add_argument("--module", action="append", default=[], metavar="MODULE",
                        help="also list the claims or experiment of this module (a .py file "
                             "or a dotted name; repeatable)")
    p_solve = sub.add_parser("solve", help="solve an instance exactly")
    p_solve.add_argument("name")
    p_solve.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE",
        help="instance parameter (repeatable), e.g. --param n_states=10",
    )
    p_solve.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run_list(args: argparse.Namespace) -> int:
    """``mdplab list``: instances, then claims and experiments with where they come from."""
    from .. import _plugins, envs
    from ..claims.registry import discover_by_module

    try:
        claim_modules = [m for m in args.module
                         if hasattr(_plugins.load_module(m), "CLAIMS")]
        experiment_modules = [m for m in args.module if m not in claim_modules]
        claim_groups = discover_by_module(claim_modules)
        experiments = _plugins.experiments(experiment_modules)
    except (ValueError, TypeError, ImportError) as exc:
        print(f"mdplab list: {exc}", file=sys.stderr)
        return 2
    print("Instances (mdplab solve NAME):")
    for entry in envs.list_envs():
        print(entry if isinstance(entry, str) else _format_env_entry(entry))
    print("\nClaims (mdplab check --claim ID):")
    for module, claims in claim_groups:
        origin = _plugins.module_origin(module)
        tag = "" if origin == "mdplab" else f"  [{origin}]"
        for claim in claims:
            print(f"{claim.id:<40} {claim.statement}{tag}")
    print("\nExperiments (mdplab run NAME):")
    for name, module in experiments.items():
        origin = _plugins.module_origin(module)
        tag = "" if origin == "mdplab" else f"  [{origin}]"
        summary = (module.__doc__ or "").strip().split("\n", 1)[0]
        print(f"{name:<40} {summary}{tag}")
    return 0


def run_solve(args: argparse.Namespace) -> int:
    """``mdplab solve NAME``: the exact solution's headline numbers (or JSON)."""
    params = parse_params(args.param)
    try:
        summary = _solve_summary(args.name, params)
    except (ValueError, TypeError) as exc:
        print(f"mdplab solve: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary, default=json_default, indent=2))
    else:
        _print_summary(summary)
    return 0


def _solve_summary(name: str, params: dict, n_steps: int = 3) -> dict:
    """Solve the instance exactly and return a JSON-ready summary."""
    from .. import envs
    from ..coverage import coverability
    from ..models import Bandit, ContextualBandit, DiscountedMDP, FiniteHorizonMDP, LinearMDP
    from ..planning import backward_induction, gaps, min_positive_gap

    t0 = time.perf_counter()
    model = envs.make(name, **params)
    out: dict = {"instance": name, "params": params, "model": repr(model)}
    if isinstance(model, LinearMDP):
        out["d"] = model.d
        model = model.to_tabular()
    if isinstance(model, DiscountedMDP):
        from ..planning import policy_iteration

        sol = policy_iteration(model)
        gap = sol.V[:, None] - sol.Q
        out.update(
            kind="discounted",
            S=model.S,
            A=model.A,
            gamma=model.gamma,
            value=sol.value,
            policy=sol.policy[: min(model.S, 20)].tolist(),
            min_gap=min_positive_gap(gap),
            C_cov=None,
        )
    elif isinstance(model, FiniteHorizonMDP):
        fh = backward_induction(model)
        gap = gaps(model, fh)
        cov = coverability(model) if model.S * model.A <= 200_000 else None
        out.update(
            kind="bandit" if isinstance(model, (Bandit, ContextualBandit)) else "finite_horizon",
            H=model.H,
            S=model.S,
            A=model.A,
            value=fh.value,
            policy_first_steps=fh.policy[:n_steps, : min(model.S, 20)].tolist(),
            min_gap=min_positive_gap(gap),
            C_cov=None if cov is None else float(cov.value),
        )
    else:  # pragma: no cover - the registry only returns models
        raise TypeError(f"instance {name!r} returned {type(model).__name__}, not a model")
    out["seconds"] = time.perf_counter() - t0
    return out


def _print_summary(s: dict) -> None:
    print(f"{s['instance']}: {s['model']}")
    if s.get("params"):
        print("  params: " + ", ".join(f"{k}={v!r}" for k, v in s["params"].items()))
    print(f"  V*(rho)          = {s['value']:.10g}")
    if s["kind"] == "discounted":
        print(f"  optimal policy   = {s['policy']}{' ...' if s['S'] > 20 else ''}")
    else:
        for h, row in enumerate(s["policy_first_steps"]):
            print(f"  pi*[{h}]           = {row}{' ...' if s['S'] > 20 else ''}")
    print(f"  smallest gap     = {s['min_gap']:.6g}")
    cov = "n/a (discounted)" if s["kind"] == "discounted" else (
        "skipped (S*A too large)" if s["C_cov"] is None else f"{s['C_cov']:.6g}"
    )
    print(f"  C_cov            = {cov}")
    print(f"  solved in {s['seconds']:.3f} s")


def _format_env_entry(entry: object) -> str:
    if isinstance(entry, dict):
        name = entry.get("name", "?")
        summary = entry.get("summary", "")
        defaults = entry.get("defaults", {})
        params = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
        return f"{name:<24} {summary}\n{'':<24} ({params})"
    if isinstance(entry, tuple):
        return "  ".join(str(x) for x in entry)
    return str(entry)


