"""What every command shares: exit statuses and how a failure is reported."""

from __future__ import annotations

import sys

EXIT_PROBLEMS, EXIT_UNREADABLE = 1, 2
"""1: the design (or run) has problems; 2: a file could not be read or written."""


def fail(message: str, status: int = EXIT_UNREADABLE) -> int:
    """Print ``designer: message`` on stderr and return the exit status to use."""
    print(f"designer: {message}", file=sys.stderr)
    return status
