"""The ``mdplab`` command line.

    mdplab list                         the registered instances and their parameters
    mdplab solve NAME [--param k=v ...] [--json]
                                        exact solution of an instance: V*(rho), the optimal
                                        policy's first steps, the smallest gap and C_cov
    mdplab check [--paper KEY] [--claim ID] [--budget quick|full] [--jobs N] [--mutants]
                                        run the papers' claims; exit 1 if one fails
    mdplab run EXPERIMENT [--quick] [--jobs N] [--fresh] [--out DIR]
                                        run an experiment's sweep (resumable), write its
                                        table and figure into paper_figs/
                                        (paper_figs/quick/ with --quick)
    mdplab figs [--quick] [--jobs N]    every experiment

check, run and figs also take --scheduler tcp://host:port (an existing Dask cluster) or
--dask-local N (a Dask LocalCluster of N worker processes) instead of --jobs.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import time

import numpy as np


def _parse_params(pairs: list[str]) -> dict:
    params = {}
    for item in pairs:
        if "=" not in item:
            raise SystemExit(f"mdplab: --param expects key=value, got {item!r}")
        key, raw = item.split("=", 1)
        key = key.strip()
        if not key.isidentifier():
            raise SystemExit(f"mdplab: --param key {key!r} is not a valid name")
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw  # plain strings need no quotes
        params[key] = value
    return params


def _solve_summary(name: str, params: dict, n_steps: int = 3) -> dict:
    """Solve the instance exactly and return a JSON-ready summary."""
    from . import envs
    from .coverage import coverability
    from .models import Bandit, ContextualBandit, DiscountedMDP, FiniteHorizonMDP, LinearMDP
    from .planning import backward_induction, gaps, min_positive_gap

    t0 = time.perf_counter()
    model = envs.make(name, **params)
    out: dict = {"instance": name, "params": params, "model": repr(model)}
    if isinstance(model, LinearMDP):
        out["d"] = model.d
        model = model.to_tabular()
    if isinstance(model, DiscountedMDP):
        from .planning import policy_iteration

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
        sol = backward_induction(model)
        gap = gaps(model, sol)
        cov = coverability(model) if model.S * model.A <= 200_000 else None
        out.update(
            kind="bandit" if isinstance(model, (Bandit, ContextualBandit)) else "finite_horizon",
            H=model.H,
            S=model.S,
            A=model.A,
            value=sol.value,
            policy_first_steps=sol.policy[:n_steps, : min(model.S, 20)].tolist(),
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


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mdplab", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the registered instances")
    p_solve = sub.add_parser("solve", help="solve an instance exactly")
    p_solve.add_argument("name")
    p_solve.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE",
        help="instance parameter (repeatable), e.g. --param n_states=10",
    )
    p_solve.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p_check = sub.add_parser("check", help="run the claims (theorems as numerical checks)")
    p_check.add_argument("--paper", help="only this paper's claims (a proofs_checks module)")
    p_check.add_argument("--claim", help="only this claim id")
    p_check.add_argument("--budget", choices=["quick", "full"], default="quick",
                         help="quick: seconds per claim (CI); full: minutes per claim")
    p_check.add_argument("--jobs", type=int, default=None,
                         help="worker processes (default 1)")
    p_check.add_argument("--mutants", action="store_true",
                         help="run the planted bugs instead and print the catch rate")
    p_check.add_argument("--out", default="reports",
                         help="folder for the markdown and JSON reports (default: reports)")
    _add_dask_options(p_check)
    for cmd, help_ in (("run", "run one experiment"), ("figs", "run every experiment")):
        p = sub.add_parser(cmd, help=help_)
        if cmd == "run":
            p.add_argument("experiment")
        p.add_argument("--quick", action="store_true", help="the small grid (CI)")
        p.add_argument("--jobs", type=int, default=None,
                       help="worker processes (default: all cores; 1 runs serially)")
        p.add_argument("--fresh", action="store_true", help="forget stored cells first")
        p.add_argument("--out", default=None,
                       help="output folder (default paper_figs, or paper_figs/quick with "
                            "--quick, so a quick run never overwrites the full figures)")
        _add_dask_options(p)
    args = parser.parse_args(argv)

    if args.command in ("run", "figs"):
        return _run_experiments(args)
    from . import envs

    if args.command == "list":
        print("Instances (mdplab solve NAME):")
        for entry in envs.list_envs():
            print(entry if isinstance(entry, str) else _format_env_entry(entry))
        from .claims import discover

        print("\nClaims (mdplab check --claim ID):")
        for claim in discover():
            print(f"{claim.id:<40} {claim.statement}")
        return 0
    if args.command == "check":
        return _check(args)
    if args.command == "solve":
        params = _parse_params(args.param)
        try:
            summary = _solve_summary(args.name, params)
        except (ValueError, TypeError) as exc:
            print(f"mdplab solve: {exc}", file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps(summary, default=_json_default, indent=2))
        else:
            _print_summary(summary)
        return 0
    return 2  # pragma: no cover


def _add_dask_options(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--scheduler", metavar="ADDR",
                       help="run on the Dask cluster at this address, e.g. tcp://10.0.0.5:8786")
    group.add_argument("--dask-local", type=int, metavar="N", dest="dask_local",
                       help="start a Dask LocalCluster of N worker processes and run on it")


def _backend_options(args) -> dict:
    """backend/jobs/scheduler/dask_workers from --jobs, --scheduler and --dask-local."""
    if args.dask_local is not None and args.dask_local < 1:
        raise ValueError(f"--dask-local is {args.dask_local}; must be >= 1")
    if args.jobs is not None and args.jobs < 1:
        raise ValueError(f"--jobs is {args.jobs}; must be >= 1")
    if args.scheduler is not None or args.dask_local is not None:
        if args.jobs is not None:
            raise ValueError("--jobs cannot be combined with --scheduler or --dask-local "
                             "(the cluster decides the parallelism)")
        return dict(backend="dask", jobs=None, scheduler=args.scheduler,
                    dask_workers=args.dask_local)
    jobs = args.jobs if args.jobs is not None or args.command != "check" else 1
    return dict(backend="serial" if jobs == 1 else "joblib", jobs=jobs, scheduler=None,
                dask_workers=None)


def discover_experiments(package: str = "experiments") -> dict:
    """NAME -> module for every module of ``package`` that defines run_cell."""
    import importlib
    import pkgutil

    pkg = importlib.import_module(package)
    found = {}
    for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package}.{mod.name}")
        if hasattr(module, "run_cell"):
            found[module.NAME] = module
    return found


def _run_experiments(args) -> int:
    from .experiments import run_experiment

    try:
        options = _backend_options(args)
    except ValueError as exc:
        print(f"mdplab {args.command}: {exc}", file=sys.stderr)
        return 2
    out_dir = args.out or ("paper_figs/quick" if args.quick else "paper_figs")
    experiments = discover_experiments()
    if args.command == "run":
        if args.experiment not in experiments:
            print(f"mdplab run: no experiment {args.experiment!r}; the experiments are "
                  f"{sorted(experiments)}", file=sys.stderr)
            return 2
        experiments = {args.experiment: experiments[args.experiment]}
    failed = 0
    for name, module in experiments.items():
        summary = run_experiment(module, quick=args.quick, fresh=args.fresh, out_dir=out_dir,
                                 **options)
        print(f"{name}: {summary.n_cells} cells ({summary.n_skipped} already done, "
              f"{summary.n_run} run, {summary.n_failed} failed) -> {summary.csv_path}"
              + "".join(f", {p}" for p in summary.figure_paths))
        failed += summary.n_failed
    return 1 if failed else 0


def _check(args) -> int:
    from pathlib import Path

    from .claims import (
        discover,
        format_table,
        run_claims,
        run_mutants,
        select,
        table_rows,
        write_reports,
    )

    try:
        options = _backend_options(args)
        claims = select(discover(), paper=args.paper, claim_id=args.claim)
    except ValueError as exc:
        print(f"mdplab check: {exc}", file=sys.stderr)
        return 2
    runner = run_mutants if args.mutants else run_claims
    evidence = runner(claims, budget=args.budget, jobs=options["jobs"] or 1,
                      scheduler=options["scheduler"], dask_workers=options["dask_workers"])
    print(format_table(table_rows(claims, evidence)))
    stem = f"{'mutants' if args.mutants else 'claims'}-{args.budget}"
    md, js = write_reports(claims, evidence, Path(args.out), stem=stem)
    if args.mutants:
        caught = sum(not e.passed for e in evidence)
        print(f"\nmutants caught: {caught}/{len(evidence)}"
              f" ({100.0 * caught / max(len(evidence), 1):.0f}%)")
        ok = caught == len(evidence)
    else:
        failed = [e.claim_id for e in evidence if not e.passed]
        print(f"\n{len(evidence) - len(failed)} passed, {len(failed)} failed"
              + (f": {', '.join(failed)}" if failed else ""))
        ok = not failed
    print(f"reports: {md}, {js}")
    return 0 if ok else 1


def _format_env_entry(entry) -> str:
    if isinstance(entry, dict):
        name = entry.get("name", "?")
        summary = entry.get("summary", "")
        defaults = entry.get("defaults", {})
        params = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
        return f"{name:<24} {summary}\n{'':<24} ({params})"
    if isinstance(entry, tuple):
        return "  ".join(str(x) for x in entry)
    return str(entry)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
