"""A failed run's message as problems for the problem list, on the blocks it names."""

from __future__ import annotations

import re

from designer.core.design import DesignGraph
from designer.core.inference import Problem


def failure_problems(message: str, design: DesignGraph) -> list[Problem]:
    """The failure as problems: one per block it names (by the name it had when the run started), else one.

    A block the message speaks of as ``name: …`` is the one at fault; other mentions count only without one.
    """
    text, _, fix = message.partition(" — fix: ")
    blocks = list(design.blocks())
    at_fault = [b for b in blocks if re.search(rf"(?:^|\s){re.escape(b.name)}: ", text)]
    named = at_fault or [b for b in blocks if re.search(rf"(?<![\w.]){re.escape(b.name)}(?![\w])", text)]
    if len(at_fault) == 1:
        text = text.split(f"{at_fault[0].name}: ", 1)[1]  # the Block column says it already
    text = f"training failed: {text}"
    if not named:
        return [Problem(text, fix=fix or None)]
    return [Problem(text, block_id=b.id, block=b.name, fix=fix or None) for b in named]
