"""Shape inference kept current while a design is edited, redoing only what each edit can have changed.

An edit reaches the blocks it touched (a parameter, a name, a connection into them) and, through their
outputs, the blocks downstream; a block whose outputs come out as before stops the walk there. The
result is always the report a full :func:`~designer.core.inference.infer` would give.
"""

from __future__ import annotations

from designer.core.design import Connection, DesignGraph
from designer.core.inference import (
    DesignReport,
    Problem,
    dependency_order,
    gather_problems,
    infer_block,
    infer_by_block,
    structure_problems,
)


class IncrementalInference:
    """Follows ``design``'s events and brings its report up to date on :meth:`update`.

    Between updates it only notes which blocks the edits touched. Results of blocks the edits did not
    reach are the previous report's own objects, so that a follower can tell what changed by identity.
    """

    def __init__(self, design: DesignGraph) -> None:
        self.design = design
        self._touched: set[str] = set()
        self._removed: set[str] = set()
        self._restructured = False
        self._renamed = False
        self._found: dict[str, list[Problem]] = {}
        """Problems each block's shape rule found, for the blocks with some."""
        self._structure: list[Problem] = []
        self.report: DesignReport = self._rebuild()
        self._handlers = {
            "block_added": self._on_block_added,
            "block_removed": self._on_block_removed,
            "block_renamed": self._on_block_renamed,
            "param_changed": lambda block_id, *_: self._touched.add(block_id),
            "connected": self._on_connection_changed,
            "disconnected": self._on_connection_changed,
        }
        for name, handler in self._handlers.items():
            getattr(design.events, name).connect(handler)

    def detach(self) -> None:
        """Stop following the design."""
        for name, handler in self._handlers.items():
            getattr(self.design.events, name).disconnect(handler)

    def update(self) -> DesignReport:
        """The report of the design as it is now (a new object when anything changed)."""
        if not (self._touched or self._removed or self._restructured or self._renamed):
            return self.report
        graph = self.design.graph
        order = dependency_order(graph) if self._restructured else self.report.order
        if self._cyclic or len(order) < len(graph):
            return self._rebuild()  # cycles: their problems name every block on them
        previous = self.report
        report = DesignReport(order, dict(previous.outputs), dict(previous.params), dict(previous.inputs))
        for block_id in self._removed:
            if block_id not in graph:
                self._forget(report, block_id)
        pending = {block_id for block_id in self._touched if block_id in graph}
        if pending:
            self._reinfer(report, pending)
        if self._restructured or self._renamed:
            self._structure = structure_problems(self.design)
        report.problems = gather_problems(order, [], self._found, self._structure)
        return self._keep(report)

    def _reinfer(self, report: DesignReport, pending: set[str]) -> None:
        """Infer ``pending`` blocks again, in order, adding the successors of each whose outputs changed."""
        graph, found = self.design.graph, self._found
        outputs, params, inputs = report.outputs, report.params, report.inputs
        for block_id in report.order:
            if block_id not in pending:
                continue
            before = outputs.pop(block_id, None)
            params.pop(block_id, None)
            inputs.pop(block_id, None)
            found.pop(block_id, None)
            problems = infer_block(graph, block_id, report)
            if problems:
                found[block_id] = problems
            after = outputs.get(block_id)
            if after != before:
                pending.update(graph._succ[block_id])
            elif before is not None:
                outputs[block_id] = before

    def _forget(self, report: DesignReport, block_id: str) -> None:
        for results in (report.outputs, report.params, report.inputs, self._found):
            results.pop(block_id, None)

    def _rebuild(self) -> DesignReport:
        report, self._found, self._structure = infer_by_block(self.design)
        return self._keep(report)

    def _keep(self, report: DesignReport) -> DesignReport:
        self.report = report
        self._cyclic = len(report.order) < len(self.design)
        self._touched, self._removed = set(), set()
        self._restructured = self._renamed = False
        return report

    # ---- following the design -------------------------------------------------------------
    def _on_block_added(self, block_id: str) -> None:
        self._touched.add(block_id)
        self._restructured = True

    def _on_block_removed(self, block_id: str) -> None:
        self._removed.add(block_id)
        self._restructured = True

    def _on_block_renamed(self, block_id: str, *_: object) -> None:
        self._touched.add(block_id)  # its problems carry its name
        self._renamed = True

    def _on_connection_changed(self, connection: Connection) -> None:
        self._touched.add(connection.target)
        self._restructured = True
