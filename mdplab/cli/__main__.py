"""``python -m mdplab.cli``: the same as the ``mdplab`` command."""

import sys

from . import main

sys.exit(main())
