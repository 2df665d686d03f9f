"""The torch side of an OnnxOp block: a module that runs one ONNX operator with ONNX Runtime."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from designer.core.blocks.onnx_op import attribute_values, constant_inputs

_TORCH_DTYPES = {"float32": torch.float32, "int64": torch.int64, "bool": torch.bool}
_ONNX_DTYPES = {torch.float32: 1, torch.int64: 7, torch.bool: 9, torch.float64: 11, torch.int32: 6}


class OnnxOperator(nn.Module):
    """Runs one ONNX operator on its inputs; constant inputs are buffers, so they travel with the weights."""

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__()
        self.op_type, self.domain = params["op_type"], params["domain"]
        self.opset, self.attributes = params["opset"], {k: _attribute(v) for k, v in attribute_values(params).items()}
        self.tensor_count = params["inputs"]
        self.constants = constant_inputs(params)
        for k, entry in enumerate(self.constants):
            self.register_buffer(f"constant{k}", torch.zeros(entry["shape"], dtype=_TORCH_DTYPES[entry["dtype"]]))
        self._sessions: dict[tuple, Any] = {}

    def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
        return _NoGradient.apply(self, *tensors)

    def arguments(self, tensors: tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
        """The operator's inputs in its own order: tensors from other blocks, constants at their positions."""
        at = {entry["position"]: getattr(self, f"constant{k}") for k, entry in enumerate(self.constants)}
        arriving = iter(tensors)
        return [at[p] if p in at else next(arriving) for p in range(len(tensors) + len(at))]

    def run(self, tensors: tuple[torch.Tensor, ...]) -> torch.Tensor:
        arguments = self.arguments(tensors)
        key = tuple((a.dtype, a.dim()) for a in arguments)
        if key not in self._sessions:
            self._sessions[key] = self._session(arguments)
        feeds = {f"x{i}": a.detach().cpu().numpy() for i, a in enumerate(arguments)}
        (result,) = self._sessions[key].run(None, feeds)
        return torch.from_numpy(np.ascontiguousarray(result)).to(tensors[0].device)

    def _session(self, arguments: list[torch.Tensor]) -> Any:
        import onnxruntime
        from onnx import helper

        inputs = [
            helper.make_tensor_value_info(f"x{i}", _ONNX_DTYPES[a.dtype], [None] * a.dim())
            for i, a in enumerate(arguments)
        ]
        node = helper.make_node(self.op_type, [i.name for i in inputs], ["y"], domain=self.domain, **self.attributes)
        output = helper.make_empty_tensor_value_info("y")
        graph = helper.make_graph([node], self.op_type, inputs, [output])
        opsets = [helper.make_opsetid("", self.opset)]
        if self.domain:
            opsets.append(helper.make_opsetid(self.domain, 1))
        model = helper.make_model(graph, opset_imports=opsets)
        try:
            options = onnxruntime.SessionOptions()
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # leave the cores to torch
            return onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for every kind of refusal
            raise RuntimeError(f"ONNX Runtime cannot run the imported operator {self.op_type}: {exc}") from None


def _attribute(value: Any) -> Any:
    """An attribute as ``helper.make_node`` takes it; small tensors are kept as ``{"tensor": …}`` in the JSON."""
    from onnx import helper

    if isinstance(value, dict) and set(value) == {"tensor"}:
        tensor = value["tensor"]
        return helper.make_tensor("value", tensor["dtype"], tensor["dims"], tensor["values"])
    return value


class _NoGradient(torch.autograd.Function):
    """Computes through ONNX Runtime; asked for a gradient, says which block cannot give one."""

    @staticmethod
    def forward(ctx: Any, module: OnnxOperator, *tensors: torch.Tensor) -> torch.Tensor:
        ctx.op_type = module.op_type
        return module.run(tensors)

    @staticmethod
    def backward(ctx: Any, *_: torch.Tensor) -> Any:
        raise RuntimeError(
            f"the imported ONNX operator {ctx.op_type} (an OnnxOp block) passes no gradients; "
            "replace the OnnxOp blocks with Designer blocks to train the layers before them"
        )
