"""Finding claims and experiments: the library's own, a user's files, installed plugins.

Three sources, searched in this order:

1. the library's own modules, :mod:`mdplab.proofs_checks` and :mod:`mdplab.experiments.library`;
2. third-party packages that declare entry points in the groups ``mdplab.claims`` and
   ``mdplab.experiments``, e.g. in their ``pyproject.toml``::

       [project.entry-points."mdplab.claims"]
       mypaper = "mypackage.claims"            # a module with a list CLAIMS

       [project.entry-points."mdplab.experiments"]
       my_sweep = "mypackage.sweep"            # a module with NAME, grid, run_cell, ...

3. modules named on the command line (``mdplab check --module my_claims.py``,
   ``mdplab run path/to/my_experiment.py``): a file path or a dotted module name.

A module loaded from a file is registered in ``sys.modules`` and marked for pickling by value,
so its functions also run in joblib or Dask worker processes that cannot import it by name.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from types import ModuleType

CLAIMS_GROUP = "mdplab.claims"
EXPERIMENTS_GROUP = "mdplab.experiments"
BUILTIN = {CLAIMS_GROUP: "mdplab.proofs_checks", EXPERIMENTS_GROUP: "mdplab.experiments.library"}


def looks_like_path(spec: str) -> bool:
    """A module spec is a file path if it ends in ``.py`` or contains a path separator."""
    return spec.endswith(".py") or os.sep in spec or (os.altsep is not None and os.altsep in spec)


def load_module(spec: str) -> ModuleType:
    """Import ``spec``: a path to a ``.py`` file or a dotted module name.

    Raises
    ------
    ValueError
        when the file does not exist or the module cannot be found, naming ``spec``.
    """
    if not isinstance(spec, str) or not spec:
        raise TypeError(f"module is {spec!r}; must be a file path or a dotted module name")
    if looks_like_path(spec):
        path = Path(spec).expanduser().resolve()
        if not path.is_file():
            raise ValueError(f"module file {spec!r} does not exist (resolved to {path})")
        name = "mdplab_user_" + "".join(c if c.isalnum() else "_" for c in path.stem) + (
            f"_{abs(hash(str(path))) % 10**8}")
        if name in sys.modules:
            return sys.modules[name]
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise ValueError(f"module file {spec!r} cannot be imported as Python source")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        module.__mdplab_source__ = str(path)  # type: ignore[attr-defined]
        _pickle_by_value(module)
        return module
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as exc:
        if exc.name and (spec == exc.name or spec.startswith(exc.name + ".")):
            raise ValueError(f"no module {spec!r} (not a file path, and not importable: "
                             f"{exc}); give a path to a .py file or an installed module name"
                             ) from exc
        raise


def _pickle_by_value(module: ModuleType) -> None:
    try:
        import cloudpickle
    except ImportError:  # pragma: no cover - joblib and distributed bring cloudpickle
        return
    try:
        cloudpickle.register_pickle_by_value(module)
    except (ValueError, AttributeError):  # pragma: no cover - old cloudpickle
        pass


def builtin_modules(group: str) -> Iterator[ModuleType]:
    """The library's own modules for ``group``, in name order."""
    pkg = importlib.import_module(BUILTIN[group])
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{pkg.__name__}.{info.name}")


def entry_point_modules(group: str) -> Iterator[tuple[str, ModuleType]]:
    """(entry-point name, loaded module) for every installed plugin of ``group``.

    An entry point may name a module, or an object (``pkg.mod:attr``); for an object, the
    module it was defined in is used. A plugin that fails to import raises, naming it.
    """
    for ep in sorted(metadata.entry_points(group=group), key=lambda e: e.name):
        try:
            obj = ep.load()
        except Exception as exc:
            raise ImportError(f"the {group!r} plugin {ep.name!r} ({ep.value}) failed to "
                              f"import: {exc!r}; fix or uninstall the package that "
                              "declares it") from exc
        if not isinstance(obj, ModuleType):
            obj = sys.modules[getattr(obj, "__module__", ep.module)]
        yield ep.name, obj


def all_modules(group: str, extra: tuple[str, ...] | list[str] = ()) -> list[ModuleType]:
    """Built-in, then plugin, then ``extra`` modules of ``group``, each once."""
    seen: dict[str, ModuleType] = {}
    for module in builtin_modules(group):
        seen.setdefault(module.__name__, module)
    for _, module in entry_point_modules(group):
        seen.setdefault(module.__name__, module)
    for spec in extra:
        module = load_module(spec)
        seen.setdefault(module.__name__, module)
    return list(seen.values())


def module_origin(module: ModuleType) -> str:
    """Where a module came from, for listings: 'mdplab', 'plugin <dist>' or its file."""
    name = module.__name__
    if name.startswith(BUILTIN[CLAIMS_GROUP]) or name.startswith(BUILTIN[EXPERIMENTS_GROUP]):
        return "mdplab"
    if hasattr(module, "__mdplab_source__"):
        return str(module.__mdplab_source__)
    top = name.split(".", 1)[0]
    dists = metadata.packages_distributions().get(top)
    return f"plugin {dists[0]}" if dists else name


def experiments(extra: tuple[str, ...] | list[str] = ()) -> dict[str, ModuleType]:
    """NAME -> module for every experiment (a module with ``run_cell``)."""
    found: dict[str, ModuleType] = {}
    for module in all_modules(EXPERIMENTS_GROUP, extra):
        if hasattr(module, "run_cell"):
            name = getattr(module, "NAME", module.__name__.rsplit(".", 1)[-1])
            if name in found and found[name] is not module:
                raise ValueError(f"two experiments are named {name!r}: "
                                 f"{found[name].__name__} and {module.__name__}; rename one")
            found[name] = module
    return found


def find_experiment(spec: str) -> ModuleType:
    """An experiment by NAME (library or plugin), by dotted module name, or by file path."""
    if looks_like_path(spec):
        module = load_module(spec)
        if not hasattr(module, "run_cell"):
            raise ValueError(f"{spec!r} is not an experiment: it defines no run_cell(config, "
                             "seed); see mdplab.experiments.demo for the template")
        return module
    known = experiments()
    if spec in known:
        return known[spec]
    if "." in spec:
        module = load_module(spec)
        if hasattr(module, "run_cell"):
            return module
    raise ValueError(f"no experiment {spec!r}; the experiments are {sorted(known)} "
                     "(or give a path to a .py file, or a dotted module name)")
