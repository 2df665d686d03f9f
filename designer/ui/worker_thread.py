"""Run a worker object's ``run`` in its own QThread, as the export and import dialogs do."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread


def start_worker(
    parent: QObject,
    worker: QObject,
    on_finished: Callable[..., None],
    on_failed: Callable[..., None],
    on_done: Callable[[], None],
) -> QThread:
    """Move ``worker`` (with ``run``, ``finished`` and ``failed``) to a new thread and start it.

    ``on_finished``/``on_failed`` receive the worker's signals; ``on_done`` comes once the thread has ended.
    """
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(on_finished)
    worker.failed.connect(on_failed)
    worker.finished.connect(thread.quit)
    worker.failed.connect(thread.quit)
    thread.finished.connect(on_done)
    thread.start()
    return thread
