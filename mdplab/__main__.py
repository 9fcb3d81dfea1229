"""``python -m mdplab``: the same as the ``mdplab`` command."""

import sys

from .cli import main

sys.exit(main())
