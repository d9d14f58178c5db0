"""``python -m imr_site.cli``: the same as the ``imr`` command."""

import sys

from imr_site.cli import main

sys.exit(main())
