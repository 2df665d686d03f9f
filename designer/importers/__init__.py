"""Open ONNX models and PyTorch modules as editable designs."""
