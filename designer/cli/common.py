"""What every command shares: exit statuses and how a failure is reported."""

from __future__ import annotations

import argparse
import sys

EXIT_PROBLEMS, EXIT_UNREADABLE = 1, 2
"""1: the design (or run) has problems; 2: a file could not be read or written."""


def fail(message: str, status: int = EXIT_UNREADABLE) -> int:
    """Print ``designer: message`` on stderr and return the exit status to use."""
    print(f"designer: {message}", file=sys.stderr)
    return status


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)
