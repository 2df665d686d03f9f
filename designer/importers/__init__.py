"""Open ONNX models and PyTorch modules as editable designs."""

from __future__ import annotations

from pathlib import Path

from designer.importers.result import ImportReport, ImportResult, ModelImportError


def import_model(source: str, input_shape: list[int] | None = None) -> ImportResult:
    """Import ``MODEL.onnx`` or ``module.py:ClassName`` (``input_shape``: one sample's shape, for modules)."""
    if source.lower().endswith(".onnx"):
        from designer.importers.onnx_import import import_onnx

        return import_onnx(Path(source))
    if ".py:" in source:
        from designer.importers.torch_import import import_module

        return import_module(source, input_shape)
    raise ModelImportError(f"{source}: give an ONNX file (MODEL.onnx) or a PyTorch module (module.py:ClassName)")


__all__ = ["ImportReport", "ImportResult", "ModelImportError", "import_model"]
