"""``mdplab check``: run the papers' claims (or their planted bugs) and write reports."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import add_dask_options, backend_options


def add_parser(sub: Any) -> None:
    """Add ``check`` to the subcommands ``sub``."""
    p_check = sub.add_parser("check", help="run the claims (theorems as numerical checks)")
    p_check.add_argument("--paper", help="only this paper's claims (a proofs_checks module)")
    p_check.add_argument("--module", action="append", default=[], metavar="MODULE",
                         help="also check the CLAIMS of this module: a .py file or a dotted "
                              "name (repeatable)")
    p_check.add_argument("--only-modules", action="store_true",
                         help="check only the --module claims, not the library's or plugins'")
    p_check.add_argument("--no-progress", action="store_true", help="no progress bar")
    p_check.add_argument("--claim", help="only this claim id")
    p_check.add_argument("--budget", choices=["quick", "full"], default="quick",
                         help="quick: seconds per claim (CI); full: minutes per claim")
    p_check.add_argument("--jobs", type=int, default=None,
                         help="worker processes (default 1)")
    p_check.add_argument("--mutants", action="store_true",
                         help="run the planted bugs instead and print the catch rate")
    p_check.add_argument("--out", default="reports",
                         help="folder for the markdown and JSON reports (default: reports)")
    add_dask_options(p_check)


def run_check(args: argparse.Namespace) -> int:
    """``mdplab check``: run, write the reports, then print the table and the verdict."""
    from pathlib import Path

    from ..claims import (
        discover,
        format_table,
        run_claims,
        run_mutants,
        select,
        table_rows,
        write_reports,
    )

    try:
        options = backend_options(args)
        claims = select(discover(args.module, builtin=not args.only_modules,
                                 plugins=not args.only_modules),
                        paper=args.paper, claim_id=args.claim)
    except (ValueError, TypeError, ImportError) as exc:
        print(f"mdplab check: {exc}", file=sys.stderr)
        return 2
    if options["backend"] == "dask" and options["scheduler"] is not None:
        from .._parallel import SchedulerUnreachable, ensure_reachable

        try:
            ensure_reachable(options["scheduler"])
        except SchedulerUnreachable as exc:
            print(f"mdplab check: {exc}", file=sys.stderr)
            return 2
    runner = run_mutants if args.mutants else run_claims
    evidence = runner(claims, budget=args.budget, jobs=options["jobs"] or 1,
                      scheduler=options["scheduler"], dask_workers=options["dask_workers"],
                      progress=not args.no_progress)
    # The reports first: a closed pipe while printing must not lose them.
    stem = f"{'mutants' if args.mutants else 'claims'}-{args.budget}"
    md, js = write_reports(claims, evidence, Path(args.out), stem=stem)
    print(format_table(table_rows(claims, evidence)))
    vacuous = [e.claim_id for e in evidence if e.vacuous and not e.mutant]
    if vacuous:
        print(f"\nvacuous bounds (at or above the trivial bound): {', '.join(vacuous)}")
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
