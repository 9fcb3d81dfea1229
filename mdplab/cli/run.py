"""``mdplab run`` and ``mdplab figs``: experiment sweeps (resumable), tables, figures and their
provenance.

``mdplab run NAME|path.py|dotted.module [--set key=value ...] [--quick] [--fresh] [--out DIR]``
runs one experiment; ``--set`` overrides a parameter the experiment declares (``--params``
lists them), and the outputs of a non-default run are named ``NAME[key=value,...].csv`` etc.
``mdplab figs`` runs every experiment with its defaults.

Exit status: 0 success; 1 some cells failed (the count and the first traceback are printed;
the failed cells are retried on the next run); 2 bad usage, parameters, or a damaged store
(the message names the file and what to do); 130 interrupted (Ctrl-C: the cells saved so far
are kept and re-running resumes).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import warnings
from concurrent.futures import InvalidStateError

from ._common import add_dask_options, backend_options, parse_params


def add_parsers(sub) -> None:
    for cmd, help_ in (("run", "run one experiment"), ("figs", "run every experiment")):
        p = sub.add_parser(cmd, help=help_)
        if cmd == "run":
            p.add_argument("experiment", help="an experiment NAME, a path to a .py file, or a "
                                              "dotted module name")
            p.add_argument("--set", dest="overrides", action="append", default=[],
                           metavar="KEY=VALUE",
                           help="override a declared parameter (repeatable), e.g. --set c_b=0.5")
            p.add_argument("--params", action="store_true",
                           help="list the experiment's parameters and exit")
        p.add_argument("--quick", action="store_true", help="the small grid (CI)")
        p.add_argument("--jobs", type=int, default=None,
                       help="worker processes (default: all cores; 1 runs serially)")
        p.add_argument("--fresh", action="store_true",
                       help="forget the stored cells of this code version first (a damaged "
                            "store is moved aside)")
        p.add_argument("--out", default=None,
                       help="output folder (default paper_figs, or paper_figs/quick with "
                            "--quick, so a quick run never overwrites the full figures)")
        add_dask_options(p)


def discover_experiments(package: str | None = None) -> dict:
    """NAME -> module of every experiment: the library's, then installed plugins'
    (or, with ``package``, every module of that package that defines run_cell)."""
    if package is None:
        from .._plugins import experiments

        return experiments()
    import importlib
    import pkgutil

    pkg = importlib.import_module(package)
    found = {}
    for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package}.{mod.name}")
        if hasattr(module, "run_cell"):
            found[module.NAME] = module
    return found


def _err(args, message: str) -> None:
    print(f"mdplab {args.command}: {message}", file=sys.stderr)


def _report_failures(summary) -> None:
    print(f"{summary.experiment}: {summary.n_failed} of {summary.n_cells} cells FAILED (stored "
          "with their tracebacks; re-running retries them). The first failure:\n"
          f"{summary.first_failure}", file=sys.stderr)


@contextlib.contextmanager
def _quiet_pool_shutdown():
    """On Ctrl-C, loky's executor-manager thread may race the cancelled futures and print an
    ``InvalidStateError`` traceback (joblib's, harmless); drop exactly that one."""
    previous = threading.excepthook

    def hook(info):
        if info.exc_type is not None and issubclass(info.exc_type, InvalidStateError):
            return
        previous(info)

    threading.excepthook = hook
    try:
        yield
    finally:
        threading.excepthook = previous


def run_experiments(args) -> int:
    with _quiet_pool_shutdown():
        return _run_experiments(args)


def _run_experiments(args) -> int:
    from ..experiments import CorruptStoreError, SweepInterrupted, run_experiment
    from ..experiments.params import describe_params

    try:
        options = backend_options(args)
    except ValueError as exc:
        _err(args, str(exc))
        return 2
    out_dir = args.out or ("paper_figs/quick" if args.quick else "paper_figs")
    overrides = {}
    if args.command == "run":
        from .._plugins import find_experiment

        try:
            module = find_experiment(args.experiment)
        except (ValueError, TypeError) as exc:
            _err(args, str(exc))
            return 2
        if args.params:
            print(f"{module.NAME} parameters:\n"
                  f"{describe_params(getattr(module, 'PARAMS', None) or {})}")
            return 0
        overrides = parse_params(args.overrides, option="--set")
        experiments = {module.NAME: module}
    else:
        experiments = discover_experiments()
    failed = 0
    for name, module in experiments.items():
        try:
            with warnings.catch_warnings():
                # the CLI prints failures itself, below; store repairs stay visible
                from .._warnings import CellFailureWarning

                warnings.simplefilter("ignore", CellFailureWarning)
                summary = run_experiment(module, params=overrides, quick=args.quick,
                                         fresh=args.fresh, out_dir=out_dir, **options)
        except SweepInterrupted as exc:
            _err(args, f"{exc}")
            return 130
        except (CorruptStoreError, ConnectionError) as exc:  # damaged store, no scheduler
            _err(args, str(exc))
            return 2
        except (TypeError, ValueError) as exc:
            _err(args, f"{name}: {exc}")
            if args.command == "run":
                return 2
            failed += 1
            continue
        print(f"{name}: {summary.n_cells} cells ({summary.n_skipped} already done, "
              f"{summary.n_run} run, {summary.n_failed} failed) -> {summary.csv_path}"
              + "".join(f", {p}" for p in (summary.long_csv_path, *summary.figure_paths,
                                           summary.meta_path) if p is not None))
        if summary.n_tie_broken:
            _err(args, f"{name}: {summary.n_tie_broken} of the {summary.n_run} cells run returned "
                       "at least one policy decided by tie-breaking (the penalty swamped the "
                       "data; see DegeneratePolicyWarning)")
        if summary.n_corrupt:
            _err(args, f"{name}: {summary.n_corrupt} damaged row(s) of {summary.store_path} "
                       "were skipped and recomputed")
        if summary.n_failed:
            _report_failures(summary)
            failed += summary.n_failed
    return 1 if failed else 0
