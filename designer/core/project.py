"""A project: the design plus the dataset and training settings saved with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from designer.core.design import DesignGraph


@dataclass
class Project:
    """Everything one project file holds."""

    design: DesignGraph = field(default_factory=DesignGraph)
    name: str = "Untitled"
    description: str = ""
    dataset: dict[str, Any] = field(default_factory=dict)
    """Where the training data comes from (filled in by the dataset panel)."""
    training: dict[str, Any] = field(default_factory=dict)
    """Optimiser, schedule and other training settings."""
