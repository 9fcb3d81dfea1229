"""Helpers shared by the subcommands: key=value parameters and backend options."""

from __future__ import annotations

import argparse
import ast
import operator
from typing import Any

import numpy as np

_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow, ast.FloorDiv: operator.floordiv}


def _arith(node: ast.AST) -> Any:
    """Evaluate a literal, or + - * / // ** on numbers (``10**6``, ``1/3``), and nothing else."""
    if isinstance(node, ast.Expression):
        return _arith(node.body)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _arith(node.left), _arith(node.right)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                   for v in (left, right)):
            raise ValueError("arithmetic on non-numbers")
        if isinstance(node.op, ast.Pow) and abs(right) > 4096:
            raise ValueError("exponent too large")
        return _BINOPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _arith(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    return ast.literal_eval(node)


def parse_value(raw: str) -> Any:
    """A command-line value: a Python literal (``0.5``, ``(1, 2)``, ``'a'``), simple
    arithmetic on numbers (``10**6``), or else the plain string."""
    try:
        return _arith(ast.parse(raw.strip(), mode="eval"))
    except (ValueError, SyntaxError, TypeError, ZeroDivisionError, OverflowError,
            RecursionError):
        return raw  # plain strings need no quotes


class UsageError(ValueError):
    """A malformed command line; ``mdplab`` prints it and exits with status 2."""


def parse_params(pairs: list[str], option: str = "--param") -> dict[str, Any]:
    """``["k=v", ...]`` -> ``{k: value}``; a malformed pair exits with a message naming it."""
    params = {}
    for item in pairs:
        if "=" not in item:
            raise UsageError(f"{option} expects key=value, got {item!r}")
        key, raw = item.split("=", 1)
        key = key.strip()
        if not key.isidentifier():
            raise UsageError(f"{option} key {key!r} is not a valid name")
        params[key] = parse_value(raw)
    return params


def json_default(o: object) -> Any:
    """``json.dumps(default=...)``: numpy scalars and arrays as numbers and lists."""
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def add_dask_options(parser: argparse.ArgumentParser) -> None:
    """``--scheduler ADDR`` or ``--dask-local N`` (mutually exclusive)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--scheduler", metavar="ADDR",
                       help="run on the Dask cluster at this address, e.g. tcp://10.0.0.5:8786")
    group.add_argument("--dask-local", type=int, metavar="N", dest="dask_local",
                       help="start a Dask LocalCluster of N worker processes and run on it")


def backend_options(args: argparse.Namespace) -> dict[str, Any]:
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


