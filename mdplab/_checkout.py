"""Where the library's own claims and experiments live, installed or in a checkout.

The repository keeps them in its top-level folders ``proofs_checks/`` and ``experiments/``;
the wheel installs them inside mdplab's namespace, as :mod:`mdplab.proofs_checks` and
:mod:`mdplab.experiments.library`, so that no top-level package named ``experiments`` or
``proofs_checks`` is installed (a user's own folder of that name would shadow it). In a
checkout (source tree on ``sys.path``, or an editable install) the two namespace packages
find their modules in the repository's folders through :func:`checkout_folder`.
"""

from __future__ import annotations

from pathlib import Path


def checkout_folder(name: str) -> Path | None:
    """The repository's top-level folder ``name`` when mdplab runs from a checkout, else None.

    A checkout is recognised by the ``pyproject.toml`` of the ``mdplab-theory`` distribution
    beside the ``mdplab`` package; an installed wheel has none, and then the modules are
    inside the package itself.
    """
    root = Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    folder = root / name
    try:
        is_checkout = pyproject.is_file() and 'name = "mdplab-theory"' in pyproject.read_text()
    except OSError:
        return None
    return folder if is_checkout and folder.is_dir() else None
