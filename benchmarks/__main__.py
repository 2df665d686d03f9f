"""``python -m benchmarks``: the whole suite; see :mod:`benchmarks.run`."""

import sys

from benchmarks.run import main

sys.exit(main())
