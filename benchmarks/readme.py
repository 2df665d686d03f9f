"""The README's benchmark section, written from results.json between two marker comments (nothing else is touched)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.table import Row

START = "<!-- benchmarks:start"
END = "<!-- benchmarks:end -->"
START_LINE = f"{START} (written by `python -m benchmarks --write-readme` from benchmarks/results.json) -->"
VERDICTS = {"pass": "✓", "fail": "✗", "report": ""}
DEVICE_ORDER = ("cpu", "cuda")


class ReadmeError(Exception):
    """The README has no well-formed place for the section."""


def write_readme(path: Path, results: dict[str, Any]) -> None:
    """Replace the section between the markers in ``path`` with the tables of ``results``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReadmeError(f"cannot read {path}: {exc.strerror or exc}") from None
    updated = replace_section(text, section(results), path)
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_text(updated, encoding="utf-8")
    partial.replace(path)


def replace_section(text: str, body: str, where: Path) -> str:
    """``text`` with the lines between its start and end markers replaced by ``body``."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(START)]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise ReadmeError(
            f"{where} needs one line starting {START!r} and, after it, one line {END!r} around the benchmark "
            f"section; found {len(starts)} and {len(ends)}"
        )
    return "".join(lines[: starts[0]]) + f"{START_LINE}\n{body}{END}\n" + "".join(lines[ends[0] + 1 :])


def section(results: dict[str, Any]) -> str:
    """A heading, the machine and a table for each device the results have, CPU first."""
    runs = results.get("runs", {})
    devices = sorted(runs, key=lambda d: DEVICE_ORDER.index(d) if d in DEVICE_ORDER else len(DEVICE_ORDER))
    return "".join(_device_section(runs[device]) for device in devices)


def _device_section(run: dict[str, Any]) -> str:
    machine = run["machine"]
    entries = run["benchmarks"]
    if machine["device"] == "cuda":
        heading = f"On a GPU: {machine['gpu']} ({machine['precision']}), with {_processor(machine)}"
    else:
        heading = f"On the CPU: {_processor(machine)}"
    lines = [
        f"### {heading}",
        "",
        _machine_line(machine, entries),
        "",
        "| what | compared against | measured | target | |",
        "|---|---|---|---|---|",
    ]
    for entry in entries.values():
        for row in map(Row.from_json, entry.get("rows", [])):
            cells = (row.what, row.against or "—", row.shown(), row.target_shown(), VERDICTS[row.verdict])
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("")
    for name, entry in entries.items():
        if "broken" in entry:
            lines.append(f"- **{name} is broken:** {_cell(entry['broken'])}")
        elif "skipped" in entry:
            lines.append(f"- {name} not run: {_cell(entry['skipped'])}")
    if lines[-1] != "":
        lines.append("")
    return "\n".join(lines) + "\n"


def _machine_line(machine: dict[str, Any], entries: dict[str, Any]) -> str:
    """Versions, system, date, the commits and load averages the entries ran at, and whether any was quick."""
    commits = sorted({str(entry.get("commit", machine["commit"]) or "unknown") for entry in entries.values()})
    loads = sorted({entry.get("load_average", machine["load_average"]) for entry in entries.values()} - {None})
    load = "unknown" if not loads else str(loads[0]) if len(loads) == 1 else f"{loads[0]}–{loads[-1]}"
    quick = (
        "; a --quick run (fewer repetitions, smaller sizes)" if any(e.get("quick") for e in entries.values()) else ""
    )
    return (
        f"torch {machine['torch']}, Python {machine['python']}, PySide6 {machine['pyside6']}; {machine['os']}; "
        f"{machine['date'][:10]}, commit{'s' if len(commits) > 1 else ''} {', '.join(commits)}; "
        f"load average {load} at the start{quick}."
    )


def _processor(machine: dict[str, Any]) -> str:
    return f"{machine['cpu']}, {machine['cores']} cores"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")
