"""``mdplab run`` and ``mdplab figs``: experiment sweeps (resumable), tables and figures."""

from __future__ import annotations

import sys

from ._common import add_dask_options, backend_options


def add_parsers(sub) -> None:
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
        add_dask_options(p)


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


def run_experiments(args) -> int:
    from ..experiments import run_experiment

    try:
        options = backend_options(args)
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


