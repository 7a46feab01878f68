"""Test-wide settings: hypothesis without per-example deadlines (the machine may be busy).

Under CI (``CI`` set) hypothesis runs derandomized, so a green run is reproducible;
locally each run explores new examples.
"""

import os

from hypothesis import settings

settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("ci", parent=settings.get_profile("dev"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
