"""The parameter changes that make a design fit a dataset: the Input's data kind and shape, the Output's task
and units (and the last Linear before it), each with a sentence saying what changed and why."""

from __future__ import annotations

from typing import Any, NamedTuple

from designer.core.design import DesignGraph
from designer.core.inference import infer
from designer.training.dataset import Dataset


class DesignChange(NamedTuple):
    block_id: str
    param: str
    old: Any
    new: Any
    message: str


def changes_to_fit(design: DesignGraph, dataset: Dataset) -> list[DesignChange]:
    """What to set so the design takes ``dataset``'s samples and predicts its targets; empty when it already does.

    Designs with several Input or Output blocks are left to the user: which input gets the data is theirs to say.
    """
    inputs = [b for b in design.blocks() if b.kind == "Input"]
    outputs = [b for b in design.blocks() if b.kind == "Output"]
    changes: list[DesignChange] = []
    if len(inputs) == 1:
        changes += _input_changes(inputs[0].id, inputs[0].name, inputs[0].params, dataset)
    if len(outputs) == 1:
        changes += _output_changes(design, outputs[0].id, dataset, changes)
    return changes


def apply_changes(design: DesignGraph, changes: list[DesignChange]) -> None:
    """Set each changed parameter with :meth:`DesignGraph.set_param`."""
    for change in changes:
        design.set_param(change.block_id, change.param, change.new)


def _shape_text(shape: Any) -> str:
    return "×".join(str(d) for d in shape)


def _input_changes(block_id: str, name: str, params: dict[str, Any], dataset: Dataset) -> list[DesignChange]:
    changes = []
    kind, shape = dataset.input_kind, list(dataset.sample_shape)
    if params["data"] != kind:
        changes.append(DesignChange(block_id, "data", params["data"], kind, f"{name}: data {params['data']} → {kind}"))
    if params["shape"] != shape:
        message = f"{name}: shape {_shape_text(params['shape'])} → {_shape_text(shape)}, one sample of {dataset.name}"
        changes.append(DesignChange(block_id, "shape", params["shape"], shape, message))
    if params["variable_length"] and kind not in ("sequence", "tokens"):
        changes.append(
            DesignChange(block_id, "variable_length", True, False, f"{name}: variable length off for {kind} data")
        )
    if kind == "tokens" and dataset.vocab_size is not None and params["vocab_size"] != dataset.vocab_size:
        message = f"{name}: vocab_size {params['vocab_size']} → {dataset.vocab_size}, the dataset's token ids"
        changes.append(DesignChange(block_id, "vocab_size", params["vocab_size"], dataset.vocab_size, message))
    return changes


def _output_changes(
    design: DesignGraph, output_id: str, dataset: Dataset, earlier: list[DesignChange]
) -> list[DesignChange]:
    output = design.block(output_id)
    wanted = dataset.num_outputs
    per = "one score per class" if dataset.task == "classification" else "one per target value"
    what = f"{wanted} classes" if dataset.task == "classification" else f"{wanted} target value(s)"
    changes = []
    if output.params["task"] != dataset.task:
        message = f"{output.name}: task {output.params['task']} → {dataset.task}"
        changes.append(DesignChange(output_id, "task", output.params["task"], dataset.task, message))
    feeding = design.incoming(output_id).get("in")
    if feeding is not None:
        last = design.block(feeding.source)
        if last.kind == "Linear" and last.params["out_features"] != wanted:
            message = f"{last.name}: out_features {last.params['out_features']} → {wanted}, {per} ({what})"
            changes.append(DesignChange(last.id, "out_features", last.params["out_features"], wanted, message))
    trial = design.snapshot()
    apply_changes(trial, earlier + changes)
    units = infer(trial).params.get(output_id, {}).get("units", output.params["units"])
    if units is not None and units != wanted:
        message = f"{output.name}: units {'auto' if output.params['units'] is None else output.params['units']} → "
        message += f"{wanted} for the dataset's {what}; make the last layer give {wanted} outputs"
        changes.append(DesignChange(output_id, "units", output.params["units"], wanted, message))
    return changes
