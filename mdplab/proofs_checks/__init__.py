"""The papers' claims as runnable checks: one module per paper, each with a list ``CLAIMS``.

Run them with ``mdplab check`` (``mdplab check --help``); list them with ``mdplab list``.
In the repository the modules live in the top-level folder ``proofs_checks/``; the wheel
installs them here. Third-party claims register through the entry-point group
``mdplab.claims`` (see :func:`mdplab.claims.discover`).
"""

from .._checkout import checkout_folder

_folder = checkout_folder("proofs_checks")
if _folder is not None and str(_folder) not in __path__:
    __path__.append(str(_folder))
