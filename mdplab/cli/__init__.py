"""The ``mdplab`` command line.

::

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
import os
import sys

from . import check, run, solve
from ._common import UsageError
from ._common import parse_params as _parse_params  # noqa: F401  (kept for callers)
from .run import discover_experiments

__all__ = ["discover_experiments", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the ``mdplab`` command line with ``argv`` (default: ``sys.argv[1:]``); the exit code.

    Exit codes: 0 success, 1 a claim or a cell failed, 2 bad usage or input, 130 interrupted
    (Ctrl-C). A closed output pipe (``mdplab list | head -1``) ends the command quietly.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except UsageError as exc:
        print(f"mdplab {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): say nothing more, and keep Python from
        # complaining again while it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except MemoryError as exc:
        print(f"mdplab {args.command}: out of memory ({exc or 'MemoryError'}); the requested "
              "problem is too large for this machine: reduce its sizes (H, S, A, N, ...)",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mdplab {args.command}: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mdplab", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    solve.add_parsers(sub)
    check.add_parser(sub)
    run.add_parsers(sub)
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    if args.command in ("run", "figs"):
        return run.run_experiments(args)
    if args.command == "list":
        return solve.run_list(args)
    if args.command == "check":
        return check.run_check(args)
    if args.command == "solve":
        return solve.run_solve(args)
    return 2  # pragma: no cover
