"""Helpers shared by the subcommands: key=value parameters and backend options."""

from __future__ import annotations

import ast

import numpy as np


def parse_params(pairs: list[str]) -> dict:
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


def json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def add_dask_options(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--scheduler", metavar="ADDR",
                       help="run on the Dask cluster at this address, e.g. tcp://10.0.0.5:8786")
    group.add_argument("--dask-local", type=int, metavar="N", dest="dask_local",
                       help="start a Dask LocalCluster of N worker processes and run on it")


def backend_options(args) -> dict:
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


