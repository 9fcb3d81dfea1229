"""pandas, imported only when a ``to_pandas()`` method is called.

pandas is an optional extra (``pip install "mdplab-theory[pandas]"``): every table mdplab
produces is also available as numpy arrays, CSV or JSON, so nothing else needs it, and
``import mdplab`` stays light (tests/test_api_lazy.py).
"""

from __future__ import annotations

from typing import Any

INSTALL_HINT = 'pip install "mdplab-theory[pandas]"'


def import_pandas(what: str) -> Any:
    """The pandas module, or an ImportError that says how to install it.

    ``what`` names the method that needs it, e.g. ``"Episodes.to_pandas"``.
    """
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - exercised with pandas hidden (tests)
        raise ImportError(f"{what} needs pandas, which is not installed; install the extra "
                          f"with: {INSTALL_HINT}") from exc
    return pandas
