"""The library's experiments: one module per figure or study (``mdplab run NAME``).

Each module defines ``NAME``, ``BASE_SEED``, ``grid(quick)``, ``n_seeds(quick)``,
``run_cell(config, seed)`` and ``plot(table)``; :func:`mdplab.experiments.run_experiment`
runs it. In the repository the modules live in the top-level folder ``experiments/``; the
wheel installs them here. Third-party experiments register through the entry-point group
``mdplab.experiments``.
"""

from ..._checkout import checkout_folder

_folder = checkout_folder("experiments")
if _folder is not None and str(_folder) not in __path__:
    __path__.append(str(_folder))
