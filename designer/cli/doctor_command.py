"""``designer doctor``: what this machine offers Designer, the first thing to ask for in a problem report."""

from __future__ import annotations

import argparse

from designer.training.environment import environment_rows, format_rows


def register(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser("doctor", help="report Python, torch, GPU, Qt and ONNX Runtime on this machine")
    doctor.add_argument("--probe-qt", action="store_true", help=argparse.SUPPRESS)  # the child process of the Qt row
    doctor.set_defaults(run=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    if args.probe_qt:
        return _probe_qt()
    print(format_rows(environment_rows()))
    return 0


def _probe_qt() -> int:
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([])
    print(qVersion(), app.platformName())
    return 0
