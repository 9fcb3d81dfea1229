"""Discovery of claims: every module that defines a module-level list ``CLAIMS``.

The modules are the library's own (:mod:`mdplab.proofs_checks`, one per paper), those of
installed plugins (entry-point group ``mdplab.claims``) and any named by the caller (a file
path or a dotted module name, as ``mdplab check --module``); see :mod:`mdplab._plugins`.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from .. import _plugins
from .claim import Claim


def discover(modules: Sequence[str] = (), *, builtin: bool = True,
             plugins: bool = True) -> list[Claim]:
    """All claims, in module then definition order (see :func:`discover_by_module`)."""
    return [c for _, claims in discover_by_module(modules, builtin=builtin, plugins=plugins)
            for c in claims]


def discover_by_module(modules: Sequence[str] = (), *, builtin: bool = True,
                       plugins: bool = True) -> list[tuple[ModuleType, list[Claim]]]:
    """(module, its claims) for every claims module, library first, then plugins, then
    ``modules``.

    Parameters
    ----------
    modules : extra modules to read ``CLAIMS`` from: paths to ``.py`` files or dotted names.
    builtin : include the library's own claims (:mod:`mdplab.proofs_checks`).
    plugins : include the claims of installed plugins (entry points ``mdplab.claims``).

    Raises
    ------
    ValueError
        when two claims share an id (naming both modules), a named module is missing, or a
        named module defines no ``CLAIMS``.
    """
    if isinstance(modules, str):
        raise TypeError(f"modules is the string {modules!r}; pass a list of module specs")
    loaded = []
    if builtin:
        loaded += list(_plugins.builtin_modules(_plugins.CLAIMS_GROUP))
    if plugins:
        loaded += [m for _, m in _plugins.entry_point_modules(_plugins.CLAIMS_GROUP)]
    for spec in modules:
        module = _plugins.load_module(spec)
        if not isinstance(getattr(module, "CLAIMS", None), (list, tuple)):
            raise ValueError(f"module {spec!r} defines no list CLAIMS; a claims module holds "
                             "CLAIMS = [mdplab.claims.Claim(...), ...]")
        loaded.append(module)
    out: list[tuple[ModuleType, list[Claim]]] = []
    where: dict[str, str] = {}
    seen_modules: set[str] = set()
    for module in loaded:
        if module.__name__ in seen_modules:
            continue
        seen_modules.add(module.__name__)
        claims: list[Claim] = []
        for claim in getattr(module, "CLAIMS", []):
            if not isinstance(claim, Claim):
                raise TypeError(f"{module.__name__}.CLAIMS holds a {type(claim).__name__}; "
                                "every entry must be an mdplab.claims.Claim")
            if claim.id in where:
                raise ValueError(f"claim id {claim.id!r} is defined twice: in "
                                 f"{where[claim.id]} and in {module.__name__}; ids are unique")
            where[claim.id] = module.__name__
            claims.append(claim)
        out.append((module, claims))
    return out


def select(claims: list[Claim], paper: str | None = None,
           claim_id: str | None = None) -> list[Claim]:
    """Filter by paper key and/or claim id; an unknown key or id is a ValueError."""
    out = claims
    if paper is not None:
        out = [c for c in out if c.paper == paper]
        if not out:
            papers = sorted({c.paper for c in claims})
            raise ValueError(f"no paper {paper!r}; the papers are {papers}")
    if claim_id is not None:
        out = [c for c in out if c.id == claim_id]
        if not out:
            raise ValueError(f"no claim {claim_id!r}; the claims are {[c.id for c in claims]}")
    return out
