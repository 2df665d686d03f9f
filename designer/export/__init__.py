"""What a user takes away: ONNX, PyTorch code, weights and torch.export programs, each verified."""
