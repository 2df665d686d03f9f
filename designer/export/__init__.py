"""What a user takes away: ONNX, PyTorch code, weights and torch.export programs, each verified.

Start at :func:`designer.export.exporter.export_model`; :mod:`designer.export.formats` needs no torch.
"""
