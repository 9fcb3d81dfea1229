"""Claims: theorems and lemmas as runnable checks, with planted bugs.

A :class:`Claim` holds one statement of one paper, the functions it checks and their planted
bugs (*mutants*); :func:`discover` finds the library's claims (:mod:`mdplab.proofs_checks`),
those of installed plugins (entry points ``mdplab.claims``) and any module you name;
:func:`run_claims` / :func:`run_mutants` run them and :func:`write_reports` writes the markdown
and JSON reports that ``mdplab check`` prints.
"""

from .claim import BUDGETS, Claim, Evidence
from .registry import discover, discover_by_module, select
from .report import (
    ClaimReport,
    evidence_record,
    format_table,
    markdown_cell,
    run_claims,
    run_mutants,
    table_rows,
    to_json_value,
    write_reports,
)
from .stats import BinomialCheck, SlopeFit, binomial_check, loglog_slope

__all__ = [
    "BUDGETS",
    "BinomialCheck",
    "Claim",
    "ClaimReport",
    "Evidence",
    "SlopeFit",
    "binomial_check",
    "discover",
    "discover_by_module",
    "evidence_record",
    "format_table",
    "loglog_slope",
    "markdown_cell",
    "run_claims",
    "run_mutants",
    "select",
    "table_rows",
    "to_json_value",
    "write_reports",
]
