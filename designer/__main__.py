"""``python -m designer`` is the ``designer`` command."""

import sys

from designer.cli import main

sys.exit(main())
