"""The export formats and their defaults, importable without torch (the command line reads them at start)."""

FORMATS = {
    "onnx": "ONNX model (.onnx), checked and compared in onnxruntime",
    "pytorch": "PyTorch code (.py) with its weights (.pt) beside it",
    "weights": "weights only: a state dict (.pt)",
    "pt2": "torch.export program (.pt2)",
}
PROJECT_FORMATS = {
    "train-script": "training script (.py, torch and numpy only) with its data (.npz) beside it",
}
"""Formats made from the whole project (its data and training settings), not the design alone."""
SUFFIXES = {"onnx": ".onnx", "pytorch": ".py", "weights": ".pt", "pt2": ".pt2", "train-script": ".py"}
LOWEST_OPSET = 18
"""torch's dynamo exporter writes opset 18 or newer (asked for less, it silently writes 18)."""
HIGHEST_OPSET = 23
"""The newest opset that onnxruntime runs here and the exporter has been checked against."""
DEFAULT_OPSET = LOWEST_OPSET
DEFAULT_TOLERANCE = 1e-4
"""Largest difference allowed between an export's outputs and torch's, relative to outputs larger than 1."""
