"""The packaged app's entry point: the same ``designer`` command, frozen by PyInstaller."""

import sys

from designer.cli import main

if __name__ == "__main__":
    sys.exit(main())
