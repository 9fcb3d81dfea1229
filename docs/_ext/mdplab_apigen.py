"""API pages generated from the packages' ``__all__`` (never typed by hand).

At ``builder-inited`` this extension writes ``docs/api/<package>.rst`` for every public
package of mdplab (and every public top-level module without a package, such as
:mod:`mdplab.plotting`): the package docstring, a summary table and an autodoc entry for
every name in its ``__all__``, and the docstrings of its public modules. A name exported by
several packages (``mdplab.FiniteHorizonMDP`` and ``mdplab.models.FiniteHorizonMDP``) is
documented in full once, in the package closest to where it is defined; the other packages
get a short entry pointing there, so every public name is a target of a cross-reference.

The ``missing-reference`` handler resolves a reference to an object by any import path
(``mdplab.experiments.runner.RunSummary``) to its documented name
(``mdplab.experiments.RunSummary``).

The page text is produced by :func:`package_page`, so tests can check it without Sphinx.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

#: packages (and their subpackages) whose contents are not API: the library's claims and
#: experiments, installed inside mdplab's namespace
EXCLUDED = ("mdplab.proofs_checks", "mdplab.experiments.library")


def _excluded(name: str) -> bool:
    return any(name == e or name.startswith(e + ".") for e in EXCLUDED) or any(
        part.startswith("_") for part in name.split("."))


def public_packages(root: str = "mdplab") -> list[str]:
    """Every public package under ``root`` (depth first, sorted), and the public top-level
    modules the root imports lazily (its ``_SUBMODULES``) that are not packages."""
    out: list[str] = []

    def walk(name: str) -> None:
        out.append(name)
        pkg = importlib.import_module(name)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            child = f"{name}.{info.name}"
            if info.ispkg and not _excluded(child):
                walk(child)

    walk(root)
    top = importlib.import_module(root)
    for sub in getattr(top, "_SUBMODULES", ()):
        name = f"{root}.{sub}"
        if name not in out and not _excluded(name):
            out.append(name)
    return out


def public_names(module: ModuleType) -> list[str]:
    """``module.__all__``; for a module without one, the functions and classes it defines
    whose names do not start with an underscore (the rule of tests/test_api_surface.py)."""
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return list(declared)
    return sorted(
        name for name, obj in vars(module).items()
        if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", None) == module.__name__)


def public_modules(package: ModuleType) -> list[str]:
    """The package's public submodules (files, not packages), whose docstrings the page
    shows (they are targets of ``:mod:`` references)."""
    if not hasattr(package, "__path__"):
        return []
    return [f"{package.__name__}.{m.name}" for m in sorted(
        pkgutil.iter_modules(package.__path__), key=lambda m: m.name)
        if not m.ispkg and not m.name.startswith("_")]


@dataclass(frozen=True)
class Entry:
    """One public name of one package: its kind and where it is documented in full."""

    package: str
    name: str
    kind: str  # 'class', 'exception', 'function', 'module', 'data'
    canonical: str  # the dotted name of the full entry (== package.name when here)

    @property
    def full(self) -> str:
        return f"{self.package}.{self.name}"


def _kind(obj: Any) -> str:
    if isinstance(obj, ModuleType):
        return "module"
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if callable(obj) and (inspect.isroutine(obj) or hasattr(obj, "py_func")):
        return "function"
    return "data"


def _documentable_identity(obj: Any) -> bool:
    """Objects that are the same thing wherever exported (not ints or strings that merely
    compare equal)."""
    return isinstance(obj, ModuleType) or inspect.isclass(obj) or callable(obj)


def collect(packages: list[str]) -> dict[str, list[Entry]]:
    """package -> its entries, in ``__all__`` order, with canonical locations decided."""
    exporters: dict[int, list[str]] = {}
    objects: dict[str, dict[str, Any]] = {}
    for pkg_name in packages:
        pkg = importlib.import_module(pkg_name)
        objects[pkg_name] = {}
        for name in public_names(pkg):
            obj = getattr(pkg, name)
            objects[pkg_name][name] = obj
            if _documentable_identity(obj):
                exporters.setdefault(id(obj), []).append(pkg_name)
    out: dict[str, list[Entry]] = {}
    for pkg_name, names in objects.items():
        entries = []
        for name, obj in names.items():
            kind = _kind(obj)
            canonical = f"{pkg_name}.{name}"
            homes = exporters.get(id(obj), [pkg_name]) if _documentable_identity(obj) else [
                pkg_name]
            if kind != "module" and len(homes) > 1:
                home = _home(getattr(obj, "__module__", None) or "", homes)
                # the name under which the home package exports this object
                home_pkg = importlib.import_module(home)
                canonical = next(f"{home}.{n}" for n in public_names(home_pkg)
                                 if getattr(home_pkg, n) is obj)
            entries.append(Entry(pkg_name, name, kind, canonical))
        out[pkg_name] = entries
    return out


def _home(defined_in: str, homes: list[str]) -> str:
    """The exporting package that is the longest prefix of where the object is defined
    (ties and no prefix: the first exporter)."""
    best = None
    for pkg in homes:
        if defined_in == pkg or defined_in.startswith(pkg + "."):
            if best is None or len(pkg) > len(best):
                best = pkg
    return best or homes[0]


def _first_line(obj: Any) -> str:
    """The first paragraph of the object's docstring, on one line."""
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n\n")[0].replace("\n", " ") if doc else ""


def _one_line(text: str) -> str:
    """Text for a table cell: one line, no literal-block marker at the end."""
    text = " ".join(text.split())
    return text[:-1] if text.endswith("::") else (text or "(no docstring)")


def _directive(kind: str) -> str:
    return {"class": "autoclass", "exception": "autoexception", "function": "autofunction"}[kind]


def _title(text: str, char: str) -> list[str]:
    return [text, char * len(text), ""]


def package_page(package: str, entries: list[Entry], own_pages: tuple[str, ...] = ()) -> str:
    """The reST source of one package's API page (``own_pages``: modules that have a page of
    their own, so this page does not repeat them)."""
    pkg = importlib.import_module(package)
    lines = [f".. This file is generated by docs/_ext/mdplab_apigen.py from {package}.__all__;",
             "   do not edit it.", ""]
    lines += _title(f"``{package}``", "=")
    lines += [f".. automodule:: {package}", "   :no-members:", "",
              f".. currentmodule:: {package}", ""]
    here = [e for e in entries if e.canonical == e.full and e.kind != "module"]
    modules = [e for e in entries if e.kind == "module"]
    aliases = [e for e in entries if e.canonical != e.full]
    if entries:
        lines += _title("Summary", "-")
        lines += [f"Every name in ``{package}.__all__`` ({len(entries)}).", ""]
        lines += [".. list-table::", "   :widths: 30 70", "   :class: mdplab-api-summary", ""]
        for e in entries:
            obj = getattr(pkg, e.name)
            summary = (_first_line(obj) if e.kind != "data"
                       else " ".join(data_comment(pkg, e.name)))
            lines += [f"   * - :{_xref(e.kind)}:`~{e.full}`", f"     - {_one_line(summary)}"]
        lines += [""]
    if modules:
        lines += ["Submodules exported as names: " + ", ".join(
            f":mod:`{e.full}`" for e in modules) + ".", ""]
    if aliases:
        lines += _title("Exported from elsewhere", "-")
        lines += [f"These names of ``{package}`` are the same objects as the entries linked "
                  "(documented there in full).", ""]
        for e in aliases:
            role = {"class": "py:class", "exception": "py:exception",
                    "function": "py:function", "data": "py:data"}[e.kind]
            summary = _first_line(getattr(pkg, e.name))
            lines += [f".. {role}:: {e.name}", "   :no-index-entry:", "",
                      f"   The same object as :{_xref(e.kind)}:`{e.canonical}`. "
                      f"{_one_line(summary)}", ""]
    if here:
        lines += _title("Reference", "-")
        for e in here:
            if e.kind == "data":
                lines += _data_entry(pkg, e.name)
                continue
            lines += [f".. {_directive(e.kind)}:: {e.name}"]
            if e.kind in ("class", "exception"):
                lines += ["   :members:", "   :show-inheritance:"]
            lines += [""]
    for e in modules:
        lines += _title(f"``{e.full}``", "-")
        lines += [f".. automodule:: {e.full}", "   :members:", ""]
    documented_modules = {e.full for e in modules} | set(own_pages)
    subs = [m for m in public_modules(pkg) if m not in documented_modules]
    if subs:
        lines += _title("Modules", "-")
        lines += [f"The modules of ``{package}``; their public names are listed above.", ""]
        for m in subs:
            lines += _title(f"``{m}``", "~")
            lines += [f".. automodule:: {m}", "   :no-members:", ""]
    return "\n".join(lines).rstrip() + "\n"


def data_comment(package: ModuleType, name: str) -> list[str]:
    """The ``#:`` doc comment of a constant, read from the module that assigns it (the
    package itself or one of its modules, wherever the same object is bound to ``name``)."""
    from sphinx.pycode import ModuleAnalyzer, PycodeError

    obj = getattr(package, name)
    candidates = [package.__name__] + sorted(
        m for m in sys.modules if m.startswith(package.__name__ + "."))
    for modname in candidates:
        mod = sys.modules.get(modname)
        if mod is None or getattr(mod, name, _MISSING) is not obj:
            continue
        try:
            docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
        except PycodeError:
            continue
        if ("", name) in docs:
            return [line for line in docs[("", name)] if line.strip()]
    return []


_MISSING = object()


def _data_entry(package: ModuleType, name: str) -> list[str]:
    """A constant: its value (its repr, shortened) and its doc comment (no type docstring)."""
    value = repr(getattr(package, name))
    if len(value) > 100:
        value = value[:97] + "..."
    comment = data_comment(package, name)
    if not comment:
        raise ValueError(f"{package.__name__}.{name} is public but has no '#:' doc comment "
                         "where it is assigned; write one")
    return [f".. py:data:: {name}", f"   :value: {value}", "",
            *[f"   {line}" for line in comment], ""]


def _xref(kind: str) -> str:
    return {"class": "class", "exception": "exc", "function": "func", "data": "data",
            "module": "mod"}[kind]


def index_page(packages: list[str]) -> str:
    lines = [".. This file is generated by docs/_ext/mdplab_apigen.py; do not edit it.", ""]
    lines += _title("API reference", "=")
    lines += ["Every public name of every public package, generated from the packages' "
              "``__all__``. The top level exports the models; every other layer is a "
              "subpackage, imported on first use.", ""]
    lines += [".. list-table::", "   :header-rows: 1", "", "   * - package", "     - names",
              "     - what it is"]
    for p in packages:
        mod = importlib.import_module(p)
        lines += [f"   * - :mod:`{p}`", f"     - {len(public_names(mod))}",
                  f"     - {_one_line(_first_line(mod))}"]
    lines += ["", ".. toctree::", "   :hidden:", ""]
    lines += [f"   {p}" for p in packages]
    return "\n".join(lines) + "\n"


def write_pages(out_dir: Path) -> list[Path]:
    """Write the index and one page per package into ``out_dir``; only files whose text
    changed are rewritten (so an incremental build re-reads only what changed); pages of
    packages that no longer exist are removed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    packages = public_packages()
    entries = collect(packages)
    pages = {out_dir / "index.rst": index_page(packages)}
    for p in packages:
        pages[out_dir / f"{p}.rst"] = package_page(p, entries[p], tuple(packages))
    for path, text in pages.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for stale in set(out_dir.glob("*.rst")) - set(pages):
        stale.unlink()
    return list(pages)


# ------------------------------------------------------------------ resolving references
_CANONICAL: dict[int, str] = {}


def _build_canonical_map() -> None:
    _CANONICAL.clear()
    for entries in collect(public_packages()).values():
        for e in entries:
            if e.canonical == e.full:
                obj = _import(e.full)
                if obj is not None and _documentable_identity(obj):
                    _CANONICAL.setdefault(id(obj), e.full)


def _import(dotted: str) -> Any:
    """The object at a dotted path (module attributes included), or None."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    candidates = [target]
    if node.get("py:module") and not target.startswith("mdplab"):
        candidates.insert(0, f"{node['py:module']}.{target}")
    for cand in candidates:
        if not cand.startswith("mdplab."):
            continue
        parts = cand.split(".")
        obj = _import(cand)
        suffix: list[str] = []
        # a member of a class: resolve the class, keep the member name
        if obj is not None and not _documentable_identity(obj) and len(parts) > 2:
            suffix = parts[-1:]
            obj = _import(".".join(parts[:-1]))
        if obj is None or id(obj) not in _CANONICAL:
            continue
        new = ".".join([_CANONICAL[id(obj)], *suffix])
        if new == target:
            continue
        domain = env.get_domain("py")
        node = node.deepcopy()
        node["reftarget"] = new
        return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], new,
                                   node, contnode)
    return None


def _builder_inited(app) -> None:
    write_pages(Path(app.srcdir) / "api")
    _build_canonical_map()


def _format_field(self, _name: str, _type: str, _desc: list[str]) -> list[str]:
    """napoleon's field, as mdplab's docstrings write it: ``**name** : text -- description``.

    mdplab's docstrings put a shape or a one-line description after ``name :`` (``c_b : the
    penalty constant``, ``P : array (S, A, S)``), often continued on the indented lines;
    napoleon would print it as an italic type in parentheses. Here it stays as written (its
    markup included)."""
    _desc = self._strip_empty(_desc)
    head = f"**{_name}**" if _name else ""
    if _type:
        head = f"{head} : {_type}" if head else _type
    if any(_desc):
        _desc = self._fix_field_desc(_desc)
        # an indented line that starts in lower case continues the sentence after "name :"
        first = _desc[0].lstrip()
        sep = "" if not head else (" " if _type and first[:1].islower() else " -- ")
        return [head + sep + _desc[0], *_desc[1:]] if _desc[0] else [head, *_desc]
    return [head]


def setup(app):
    from sphinx.ext.napoleon.docstring import GoogleDocstring

    GoogleDocstring._format_field = _format_field
    app.connect("builder-inited", _builder_inited)
    app.connect("missing-reference", _missing_reference)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
