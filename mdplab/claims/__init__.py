"""Claims: theorems and lemmas as runnable checks, with planted bugs (DESIGN.md layer 7)."""

from .claim import BUDGETS, Claim, Evidence
from .registry import discover, select
from .report import format_table, run_claims, run_mutants, table_rows, write_reports
from .stats import BinomialCheck, SlopeFit, binomial_check, loglog_slope

__all__ = [
    "BUDGETS",
    "BinomialCheck",
    "Claim",
    "Evidence",
    "SlopeFit",
    "binomial_check",
    "discover",
    "format_table",
    "loglog_slope",
    "run_claims",
    "run_mutants",
    "select",
    "table_rows",
    "write_reports",
]
