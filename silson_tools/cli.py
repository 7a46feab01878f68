"""The ``silson`` command lives in :mod:`silson_tools.report.cli`; this name keeps working.

``python -m silson_tools.cli`` and scripts installed before the move (entry point
``silson_tools.cli:main``) run the same command.
"""

from __future__ import annotations

import sys

from .report.cli import build_parser, main

__all__ = ["build_parser", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
