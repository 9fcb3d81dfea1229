"""Running claims and reporting: a terminal table, a markdown report and a JSON file."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np

from .._parallel import map_unordered
from .claim import Claim, Evidence


def _verdict(ev: Evidence) -> str:
    """``'pass'`` / ``'FAIL'`` for the real code, ``'caught'`` / ``'MISSED'`` for a mutant (a
    mutant is caught when its run fails)."""
    if ev.mutant:
        return "caught" if not ev.passed else "MISSED"
    return "pass" if ev.passed else "FAIL"


class ClaimReport(list):
    """The evidence of one run of claims (or mutants): a list of :class:`Evidence`, in the
    order of the claims, that also knows the claims it came from.

    What :func:`run_claims` and :func:`run_mutants` return; :meth:`from_json` reads back the
    ``claims-<budget>.json`` report that ``mdplab check`` writes.
    """

    def __init__(self, evidence: Iterable[Evidence] = (), claims: Iterable[Claim] = ()):
        super().__init__(evidence)
        for i, ev in enumerate(self):
            if not isinstance(ev, Evidence):
                raise TypeError(f"evidence[{i}] is {type(ev).__name__}; must be Evidence")
        self.claims = {c.id: c for c in claims}

    def __getitem__(self, index: Any) -> Any:
        """``report[i]`` is an :class:`Evidence`; ``report[i:j]`` is a ClaimReport again
        (with the same claims), so a slice keeps :meth:`to_pandas`."""
        item = super().__getitem__(index)
        if isinstance(index, slice):
            out = ClaimReport(item)
            out.claims = dict(self.claims)
            return out
        return item

    @classmethod
    def from_json(cls, path: str | Path) -> ClaimReport:
        """The report written by :func:`write_reports` (``<stem>.json``), as evidence.

        Non-finite numbers, stored as the strings ``"nan"``, ``"inf"``, ``"-inf"``, become
        floats again; the claims' statements are not in the file (``claims`` is empty).

        Raises
        ------
        FileNotFoundError
            when there is no file at ``path``.
        ValueError
            for a folder, a file that is not UTF-8 JSON, or a record whose fields do not have
            the types ``mdplab check`` writes (the message names the record and the field).
        """
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or a path, got {type(path).__name__}")
        path = Path(path)
        if path.is_dir():
            found = sorted(p.name for p in path.glob("*.json"))
            hint = (f" ({', '.join(found)})" if found else "")
            raise ValueError(f"{path} is a folder; pass the JSON report inside it, e.g. "
                             f"{path / 'claims-quick.json'}{hint}")
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"no claims report at {path}; `mdplab check` writes "
                                    "reports/claims-<budget>.json") from None
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path} is not a JSON claims report (not UTF-8 text: {exc})"
                             ) from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path} is not a JSON claims report: {exc}") from exc
        if not isinstance(records, list):
            raise ValueError(f"{path} holds a {type(records).__name__}; a claims report is a "
                             "JSON list of evidence records")
        names = {f.name for f in fields(Evidence)}
        evidence = []
        for i, rec in enumerate(records):
            if not isinstance(rec, dict) or not {"claim_id", "budget", "passed"} <= set(rec):
                raise ValueError(f"{path}: record {i} is not an evidence record (needs "
                                 "claim_id, budget, passed, statistic, bound)")
            kw = {k: v for k, v in rec.items() if k in names}
            evidence.append(Evidence(**_checked_record(kw, f"{path}: record {i}")))
        return cls(evidence)

    def to_pandas(self) -> Any:
        """One row per claim (or per claim and mutant) as a ``pandas.DataFrame``.

        Columns: ``claim_id``, ``mutant`` (None for the real code), ``budget``,
        ``statement`` and ``source`` (None when the claim is unknown, e.g. after
        :meth:`from_json`), ``statistic``, ``relation``, ``bound``, ``interval_low``,
        ``interval_high`` (NaN without an interval), ``trivial_bound``, ``vacuous``,
        ``passed``, ``verdict`` (``'pass'``/``'FAIL'`` for the real code,
        ``'caught'``/``'MISSED'`` for a mutant) and ``seconds``. Needs the ``pandas`` extra.
        """
        from .._pandas import import_pandas

        pd = import_pandas("ClaimReport.to_pandas")
        rows = []
        for ev in self:
            claim = self.claims.get(ev.claim_id)
            lo, hi = ev.interval if ev.interval is not None else (math.nan, math.nan)
            rows.append({
                "claim_id": ev.claim_id,
                "mutant": ev.mutant,
                "budget": ev.budget,
                "statement": None if claim is None else claim.statement,
                "source": None if claim is None else claim.source,
                "statistic": float(ev.statistic),
                "relation": ev.relation,
                "bound": float(ev.bound),
                "interval_low": float(lo),
                "interval_high": float(hi),
                "trivial_bound": (math.nan if ev.trivial_bound is None
                                  else float(ev.trivial_bound)),
                "vacuous": bool(ev.vacuous),
                "passed": bool(ev.passed),
                "verdict": _verdict(ev),
                "seconds": float(ev.seconds),
            })
        dtypes = {"claim_id": object, "mutant": object, "budget": object, "statement": object,
                  "source": object, "statistic": "float64", "relation": object,
                  "bound": "float64", "interval_low": "float64", "interval_high": "float64",
                  "trivial_bound": "float64", "vacuous": "bool", "passed": "bool",
                  "verdict": object, "seconds": "float64"}
        frame = pd.DataFrame(rows, columns=list(dtypes))
        if not rows:  # an empty frame still has the numeric and boolean dtypes
            frame = frame.astype({k: v for k, v in dtypes.items() if v is not object})
        return frame

    def __repr__(self) -> str:
        passed = sum(ev.passed for ev in self)
        return f"ClaimReport({len(self)} evidence, {passed} passed)"


def _checked_record(kw: dict, where: str) -> dict:
    """The fields of one JSON evidence record, with the types :class:`Evidence` holds
    (numbers stored as ``"nan"``/``"inf"``/``"-inf"`` back to floats); a field of another
    type is a ValueError naming ``where`` and the field."""
    def bad(key: str, want: str) -> ValueError:
        shown = json.dumps(kw[key], default=str)
        return ValueError(f"{where}: {key} is {shown}; must be {want} (is the file a "
                          "report written by `mdplab check`?)")

    def number(key: str, optional: bool = False) -> None:
        value = kw.get(key)
        if value is None and optional:
            return
        if isinstance(value, str) and value in ("nan", "inf", "-inf"):
            kw[key] = float(value)
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad(key, "a number" + (" or null" if optional else "")
                      + ' ("nan", "inf" and "-inf" as strings)')
        else:
            kw[key] = float(value)

    for key in ("statistic", "bound"):
        if key not in kw:
            raise ValueError(f"{where} has no {key!r}; an evidence record needs claim_id, "
                             "budget, passed, statistic and bound")
        number(key)
    if "seconds" in kw:
        number("seconds")
    number("trivial_bound", optional=True)
    for key in ("claim_id", "budget"):
        if not isinstance(kw[key], str):
            raise bad(key, "a string")
    if "relation" in kw and not isinstance(kw["relation"], str):
        raise bad("relation", "a string such as '<='")
    if kw.get("mutant") is not None and not isinstance(kw["mutant"], str):
        raise bad("mutant", "a string or null")
    if not isinstance(kw["passed"], bool):
        raise bad("passed", "true or false")
    if "details" in kw and not isinstance(kw["details"], dict):
        raise bad("details", "a JSON object")
    interval = kw.get("interval")
    if interval is not None:
        if not isinstance(interval, list) or len(interval) != 2:
            raise bad("interval", "null or a pair [low, high]")
        pair = []
        for x in interval:
            if isinstance(x, str) and x in ("nan", "inf", "-inf"):
                pair.append(float(x))
            elif isinstance(x, bool) or not isinstance(x, (int, float)):
                raise bad("interval", "null or a pair [low, high] of numbers")
            else:
                pair.append(float(x))
        kw["interval"] = tuple(pair)
    return kw


def _run_one(index: int, claim: Claim, budget: str, mutant: str | None) -> tuple[int, Evidence]:
    return index, claim.run(budget, mutant=mutant)


def run_claims(claims: list[Claim], budget: str = "quick", jobs: int = 1,
               scheduler: str | None = None, dask_workers: int | None = None,
               progress: bool = False) -> ClaimReport:
    """Run every claim on the real code (each with its own fixed seed).

    ``jobs > 1`` runs claims in joblib worker processes; ``scheduler='tcp://host:port'``
    (or ``dask_workers=N``, a LocalCluster) runs them on Dask. The evidence does not depend
    on the backend because each claim's seed comes from its id, not from the order of
    execution; it is returned in the order of ``claims``, as a :class:`ClaimReport` (a list
    of :class:`Evidence`; ``.to_pandas()`` gives the table). ``progress`` shows a tqdm bar on
    stderr.
    """
    return ClaimReport(_run([(c, None) for c in claims], budget, jobs, scheduler,
                            dask_workers, progress), claims)


def run_mutants(claims: list[Claim], budget: str = "quick", jobs: int = 1,
                scheduler: str | None = None, dask_workers: int | None = None,
                progress: bool = False) -> ClaimReport:
    """Run every claim on each of its mutants; a mutant is *caught* when its run fails.

    A :class:`ClaimReport`, one :class:`Evidence` per (claim, mutant)."""
    return ClaimReport(_run([(c, m) for c in claims for m in c.mutants], budget, jobs,
                            scheduler, dask_workers, progress), claims)


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
            "verdict": _verdict(ev),
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
