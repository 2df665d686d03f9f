"""Small networks written by hand in PyTorch, each with weights moved away from their initial values."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn


class LeNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 32)
        self.bn = nn.BatchNorm1d(32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc2(torch.relu(self.bn(self.fc1(torch.flatten(x, 1)))))


class Residual(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x))))))


class ResNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.layer1 = nn.Sequential(Residual(8), Residual(8))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.pool(self.layer1(torch.relu(self.stem(x)))), 1))


class VGG(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(8, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1, groups=2),
            nn.LeakyReLU(0.2),
            nn.AvgPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(256, 32), nn.Tanh(), nn.Dropout(0.3), nn.Linear(32, 4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


class MLP(nn.Module):
    """GELU, gating, a concatenation and a softmax: merges and activations beside the linear layers."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Linear(6, 16)
        self.b = nn.Linear(16, 16)
        self.c = nn.Linear(32, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = nn.functional.gelu(self.a(x))
        gate = torch.sigmoid(self.b(h)) * torch.tanh(h)
        return torch.softmax(self.c(torch.cat([h, gate], dim=1)), dim=-1)


class Recurrent(nn.Module):
    """A 2-layer bidirectional LSTM or GRU classifier on the last states of both directions."""

    def __init__(self, cls: type[nn.LSTM] | type[nn.GRU]) -> None:
        super().__init__()
        self.rnn = cls(5, 8, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, hidden = self.rnn(x)
        if isinstance(self.rnn, nn.LSTM):
            hidden = hidden[0]
        return self.fc(torch.cat([hidden[-2], hidden[-1]], dim=1))


class SequenceTagger(nn.Module):
    """A one-direction GRU whose whole output sequence feeds a Linear layer at every step."""

    def __init__(self) -> None:
        super().__init__()
        self.gru = nn.GRU(5, 6, batch_first=True)
        self.fc = nn.Linear(6, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(x)
        return self.fc(out)


class Attention(nn.Module):
    """Self-attention with a residual connection and layer norm, averaged over the sequence."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(4, 16)
        self.attention = nn.MultiheadAttention(16, 2, batch_first=True)
        self.norm = nn.LayerNorm(16)
        self.fc = nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x)
        attended, _ = self.attention(h, h, h, need_weights=False)
        return self.fc(self.norm(h + attended).mean(dim=1))


def perturbed(module: nn.Module, seed: int = 0) -> nn.Module:
    """``module`` in evaluation mode with every weight and running statistic moved by a seeded random amount."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for tensor in [*module.parameters(), *module.buffers()]:
            if tensor.dtype == torch.float32:
                tensor.add_(torch.rand(tensor.shape, generator=generator) * 0.3)
    return module.eval()


SAMPLES = {
    "lenet": (LeNet, (1, 28, 28)),
    "resnet": (ResNet, (3, 16, 16)),
    "vgg": (VGG, (3, 16, 16)),
    "mlp": (MLP, (6,)),
    "lstm": (lambda: Recurrent(nn.LSTM), (7, 5)),
    "gru": (lambda: Recurrent(nn.GRU), (7, 5)),
    "tagger": (SequenceTagger, (7, 5)),
    "attention": (Attention, (5, 4)),
}


def export_legacy(module: nn.Module, sample: tuple[int, ...], path: Path, opset: int = 17) -> Path:
    """``module`` exported with torch's TorchScript exporter (fast), a dynamic batch, as one file."""
    torch.onnx.export(
        module,
        (torch.randn(2, *sample),),
        str(path),
        dynamo=False,
        input_names=["x"],
        output_names=["y"],
        dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
        opset_version=opset,
    )
    return path
