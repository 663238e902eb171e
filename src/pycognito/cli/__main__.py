"""``python -m pycognito.cli``: the same as the ``pycognito`` command."""

from __future__ import annotations

import sys

from . import main

sys.exit(main())
