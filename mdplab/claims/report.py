"""Running claims and reporting: a terminal table, a markdown report and a JSON file."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from .._parallel import map_ordered
from .claim import Claim, Evidence


def _run_one(claim: Claim, budget: str, mutant: str | None) -> Evidence:
    return claim.run(budget, mutant=mutant)


def run_claims(claims: list[Claim], budget: str = "quick", jobs: int = 1,
               scheduler: str | None = None, dask_workers: int | None = None) -> list[Evidence]:
    """Run every claim on the real code (each with its own fixed seed).

    ``jobs > 1`` runs claims in joblib worker processes; ``scheduler='tcp://host:port'``
    (or ``dask_workers=N``, a LocalCluster) runs them on Dask. The evidence does not depend
    on the backend because each claim's seed comes from its id, not from the order of
    execution; it is returned in the order of ``claims``.
    """
    return _run([(c, None) for c in claims], budget, jobs, scheduler, dask_workers)


def run_mutants(claims: list[Claim], budget: str = "quick", jobs: int = 1,
                scheduler: str | None = None, dask_workers: int | None = None) -> list[Evidence]:
    """Run every claim on each of its mutants; a mutant is *caught* when its run fails."""
    return _run([(c, m) for c in claims for m in c.mutants], budget, jobs, scheduler,
                dask_workers)


def _run(tasks, budget, jobs, scheduler, dask_workers):
    if scheduler is not None or dask_workers is not None:
        backend = "dask"
    else:
        backend = "serial" if jobs == 1 or len(tasks) <= 1 else "joblib"
    return map_ordered(_run_one, [(c, budget, m) for c, m in tasks], backend=backend,
                       jobs=None if backend != "joblib" else jobs, scheduler=scheduler,
                       dask_workers=dask_workers)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def table_rows(claims: list[Claim], evidence: list[Evidence]) -> list[dict]:
    by_id = {c.id: c for c in claims}
    rows = []
    for ev in evidence:
        c = by_id[ev.claim_id]
        measured = _fmt(ev.statistic)
        if ev.interval is not None:
            measured += f" [{_fmt(ev.interval[0])}, {_fmt(ev.interval[1])}]"
        rows.append({
            "id": ev.claim_id + (f" ~{ev.mutant}" if ev.mutant else ""),
            "statement": c.statement,
            "measured": measured,
            "bound": f"{ev.relation} {_fmt(ev.bound)}",
            "verdict": ("caught" if not ev.passed else "MISSED") if ev.mutant
            else ("pass" if ev.passed else "FAIL"),
            "seconds": f"{ev.seconds:.2f}",
        })
    return rows


def format_table(rows: list[dict], max_statement: int = 60) -> str:
    cols = ["id", "statement", "measured", "bound", "verdict", "seconds"]
    shown = [{k: (r[k] if k != "statement" or len(r[k]) <= max_statement
                  else r[k][: max_statement - 1] + "…") for k in cols} for r in rows]
    widths = {c: max(len(c), *(len(r[c]) for r in shown)) if shown else len(c) for c in cols}
    lines = ["  ".join(c.ljust(widths[c]) for c in cols),
             "  ".join("-" * widths[c] for c in cols)]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in cols) for r in shown]
    return "\n".join(lines)


def write_reports(claims: list[Claim], evidence: list[Evidence], out_dir: Path,
                  stem: str = "claims") -> tuple[Path, Path]:
    """Write ``<stem>.md`` (table plus sources) and ``<stem>.json`` (every Evidence)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = table_rows(claims, evidence)
    by_id = {c.id: c for c in claims}
    md = ["# mdplab claims report", "",
          "| id | statement | measured | bound | verdict | s |", "|---|---|---|---|---|---|"]
    md += [f"| {r['id']} | {r['statement']} | {r['measured']} | {r['bound']} | {r['verdict']} "
           f"| {r['seconds']} |" for r in rows]
    md += ["", "## Sources", ""]
    ids = dict.fromkeys(e.claim_id for e in evidence)
    md += [f"- **{cid}**: {by_id[cid].source}" for cid in ids]
    md_path = out_dir / f"{stem}.md"
    md_path.write_text("\n".join(md) + "\n")
    js_path = out_dir / f"{stem}.json"
    js_path.write_text(json.dumps([asdict(e) for e in evidence], indent=2, default=str))
    return md_path, js_path
