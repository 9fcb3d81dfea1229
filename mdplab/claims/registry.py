"""Discovery of claims: every module of the ``proofs_checks`` package that defines a
module-level list ``CLAIMS`` contributes its claims, keyed by paper (the module name)."""

from __future__ import annotations

import importlib
import pkgutil

from .claim import Claim


def discover(package: str = "proofs_checks") -> list[Claim]:
    """All claims of all modules of ``package``, in module then definition order."""
    pkg = importlib.import_module(package)
    claims: list[Claim] = []
    seen: set[str] = set()
    for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package}.{mod.name}")
        for claim in getattr(module, "CLAIMS", []):
            if claim.id in seen:
                raise ValueError(f"claim id {claim.id!r} is defined twice")
            seen.add(claim.id)
            claims.append(claim)
    return claims


def select(claims: list[Claim], paper: str | None = None, claim_id: str | None = None):
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
