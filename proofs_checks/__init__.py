"""The papers' claims as runnable checks: one module per paper, each with a list CLAIMS.

Run them with ``mdplab check`` (see ``mdplab check --help``).
"""
