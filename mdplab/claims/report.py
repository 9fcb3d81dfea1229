"""Running claims and reporting: a terminal table, a markdown report and a JSON file."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from .._parallel import map_unordered
from .claim import Claim, Evidence


def _run_one(index: int, claim: Claim, budget: str, mutant: str | None) -> tuple[int, Evidence]:
    return index, claim.run(budget, mutant=mutant)


def run_claims(claims: list[Claim], budget: str = "quick", jobs: int = 1,
               scheduler: str | None = None, dask_workers: int | None = None,
               progress: bool = False) -> list[Evidence]:
    """Run every claim on the real code (each with its own fixed seed).

    ``jobs > 1`` runs claims in joblib worker processes; ``scheduler='tcp://host:port'``
    (or ``dask_workers=N``, a LocalCluster) runs them on Dask. The evidence does not depend
    on the backend because each claim's seed comes from its id, not from the order of
    execution; it is returned in the order of ``claims``. ``progress`` shows a tqdm bar on
    stderr.
    """
    return _run([(c, None) for c in claims], budget, jobs, scheduler, dask_workers, progress)


def run_mutants(claims: list[Claim], budget: str = "quick", jobs: int = 1,
                scheduler: str | None = None, dask_workers: int | None = None,
                progress: bool = False) -> list[Evidence]:
    """Run every claim on each of its mutants; a mutant is *caught* when its run fails."""
    return _run([(c, m) for c in claims for m in c.mutants], budget, jobs, scheduler,
                dask_workers, progress)


def _run(tasks: list[tuple[Claim, str | None]], budget: str, jobs: int,
         scheduler: str | None, dask_workers: int | None,
         progress: bool = False) -> list[Evidence]:
    if budget not in ("quick", "full"):
        raise ValueError(f"budget is {budget!r}; must be 'quick' or 'full'")
    if scheduler is not None or dask_workers is not None:
        backend = "dask"
    else:
        backend = "serial" if jobs == 1 or len(tasks) <= 1 else "joblib"
    results: Iterable = map_unordered(
        _run_one, [(i, c, budget, m) for i, (c, m) in enumerate(tasks)], backend=backend,
        jobs=None if backend != "joblib" else jobs, scheduler=scheduler,
        dask_workers=dask_workers)
    if progress and tasks:
        from tqdm.auto import tqdm

        results = tqdm(results, total=len(tasks), desc="claims", unit="check")
    out: list[Evidence | None] = [None] * len(tasks)
    for i, evidence in results:
        out[i] = evidence
    return [e for e in out if e is not None]


def _fmt(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:.4g}"


def table_rows(claims: list[Claim], evidence: list[Evidence]) -> list[dict]:
    """One dict of display strings per evidence (id, statement, measured, bound, verdict)."""
    by_id = {c.id: c for c in claims}
    rows = []
    for ev in evidence:
        c = by_id[ev.claim_id]
        measured = _fmt(ev.statistic)
        if ev.interval is not None:
            measured += f" [{_fmt(ev.interval[0])}, {_fmt(ev.interval[1])}]"
        bound = f"{ev.relation} {_fmt(ev.bound)}"
        if ev.vacuous:
            bound += f" (vacuous: trivial bound {_fmt(ev.trivial_bound)})"
        fraction = ev.details.get("vacuous_fraction")
        if isinstance(fraction, (int, float)) and fraction > 0:
            bound += f" (theorem bound vacuous in {100 * fraction:.0f}% of runs)"
        degenerate = ev.details.get("degenerate_calls")
        if isinstance(degenerate, int) and degenerate > 0:
            bound += f" ({degenerate} run(s) returned a tie-broken policy)"
        rows.append({
            "id": ev.claim_id + (f" ~{ev.mutant}" if ev.mutant else ""),
            "statement": c.statement,
            "measured": measured,
            "bound": bound,
            "verdict": ("caught" if not ev.passed else "MISSED") if ev.mutant
            else ("pass" if ev.passed else "FAIL"),
            "seconds": f"{ev.seconds:.2f}",
        })
    return rows


def format_table(rows: list[dict], max_statement: int = 60) -> str:
    """The rows as a fixed-width terminal table (long statements are cut with an ellipsis)."""
    cols = ["id", "statement", "measured", "bound", "verdict", "seconds"]
    shown = [{k: (r[k] if k != "statement" or len(r[k]) <= max_statement
                  else r[k][: max_statement - 1] + "…") for k in cols} for r in rows]
    widths = {c: max(len(c), *(len(r[c]) for r in shown)) if shown else len(c) for c in cols}
    lines = ["  ".join(c.ljust(widths[c]) for c in cols),
             "  ".join("-" * widths[c] for c in cols)]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in cols) for r in shown]
    return "\n".join(lines)


def markdown_cell(text: str) -> str:
    """``text`` safe inside a GitHub markdown table cell: pipes escaped, no line breaks."""
    return (str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ")
            .replace("\n", " "))


def to_json_value(obj: Any) -> Any:
    """``obj`` with numpy scalars and arrays as JSON numbers and lists.

    JSON has no NaN or infinity: those become the strings ``"nan"``, ``"inf"`` and
    ``"-inf"``; every finite number stays a number. Other objects become their ``str``.
    """
    if isinstance(obj, dict):
        return {str(k): to_json_value(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_json_value(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_json_value(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        if math.isfinite(x):
            return x
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if obj is None or isinstance(obj, str):
        return obj
    return str(obj)


def evidence_record(ev: Evidence) -> dict:
    """One Evidence as a JSON-ready dict (numbers stay numbers), with its ``vacuous`` flag."""
    record = to_json_value(asdict(ev))
    record["vacuous"] = ev.vacuous
    return record


def write_reports(claims: list[Claim], evidence: list[Evidence], out_dir: Path,
                  stem: str = "claims") -> tuple[Path, Path]:
    """Write ``<stem>.md`` (table plus sources) and ``<stem>.json`` (every Evidence).

    Both are written to a temporary file and renamed, so a reader never sees half a report.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = table_rows(claims, evidence)
    by_id = {c.id: c for c in claims}
    md = ["# mdplab claims report", "",
          "| id | statement | measured | bound | verdict | s |", "|---|---|---|---|---|---|"]
    md += ["| " + " | ".join(markdown_cell(r[k]) for k in
                             ("id", "statement", "measured", "bound", "verdict", "seconds"))
           + " |" for r in rows]
    md += ["", "## Sources", ""]
    ids = dict.fromkeys(e.claim_id for e in evidence)
    md += [f"- **{markdown_cell(cid)}**: {markdown_cell(by_id[cid].source)}" for cid in ids]
    md_path = out_dir / f"{stem}.md"
    js_path = out_dir / f"{stem}.json"
    _atomic_write(md_path, "\n".join(md) + "\n")
    _atomic_write(js_path, json.dumps([evidence_record(e) for e in evidence], indent=2,
                                      allow_nan=False) + "\n")
    return md_path, js_path


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)
