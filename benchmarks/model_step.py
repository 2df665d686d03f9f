"""Forward+backward step of compiled templates against the same networks written by hand in PyTorch.

    python -m benchmarks.model_step [--quick] [--device cuda]

Each hand-written network uses the template's block names as attribute names, so the compiled module's weights
load into it with ``strict=True``; the benchmark first checks that both give the same outputs and gradients and
stops with an error if they don't (timing two different networks would prove nothing). Steps are timed in
processor time on the CPU (one thread: on a shared machine wall time also counts the neighbours' turns), in wall
time on a GPU, where both run in bf16 autocast as the engine trains there.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from benchmarks.devices import DEVICES, Autocast, autocast, precision, synchronizer, torch_device
from benchmarks.table import Row, Target, print_table
from benchmarks.timing import Comparison, compare
from designer.compiler.compile import compile_design
from designer.core.templates import load_template

TARGET = Target("≤", 1.02)
BATCH_SIZE = 64


class SeedCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(64 * 5 * 5, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


class LSTMClassifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(4, 64, num_layers=2, batch_first=True, dropout=0.1, bidirectional=True)
        self.classifier = nn.Linear(128, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, (h_n, _) = self.lstm(x)
        return self.classifier(torch.cat([h_n[-2], h_n[-1]], dim=1))


class Positions(nn.Module):
    def __init__(self, embed_dim: int, max_len: int) -> None:
        super().__init__()
        position = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)
        rates = torch.exp(torch.arange(0, embed_dim, 2, dtype=torch.float32) * (-math.log(10000.0) / embed_dim))
        table = torch.zeros(max_len, embed_dim)
        table[:, 0::2] = torch.sin(position * rates)
        table[:, 1::2] = torch.cos(position * rates)
        self.register_buffer("table", table, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.table[: x.size(1)]


class TransformerClassifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(100, 64)
        self.positions = Positions(64, 512)
        self.encoder1 = nn.TransformerEncoderLayer(64, 4, 128, 0.1, batch_first=True)
        self.encoder2 = nn.TransformerEncoderLayer(64, 4, 128, 0.1, batch_first=True)
        self.classifier = nn.Linear(64, 2)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.encoder2(self.encoder1(self.positions(self.embedding(tokens))))
        return self.classifier(torch.flatten(F.adaptive_avg_pool1d(x.permute(0, 2, 1), 1), 1))


class ResNetMini(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem, self.stem_bn = nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.block1_conv1, self.block1_bn1 = nn.Conv2d(16, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.block1_conv2, self.block1_bn2 = nn.Conv2d(16, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.block2_conv1 = nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False)
        self.block2_bn1 = nn.BatchNorm2d(32)
        self.block2_conv2, self.block2_bn2 = nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)
        self.block2_shortcut = nn.Conv2d(16, 32, 1, stride=2, bias=False)
        self.block2_shortcut_bn = nn.BatchNorm2d(32)
        self.classifier = nn.Linear(32, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.stem_bn(self.stem(x)))
        y = self.block1_bn2(self.block1_conv2(F.relu(self.block1_bn1(self.block1_conv1(x)))))
        x = F.relu(x + y)
        y = self.block2_bn2(self.block2_conv2(F.relu(self.block2_bn1(self.block2_conv1(x)))))
        x = F.relu(self.block2_shortcut_bn(self.block2_shortcut(x)) + y)
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


@dataclass(frozen=True)
class Case:
    template: str
    by_hand: Callable[[], nn.Module]
    batch: Callable[[int], torch.Tensor]


CASES = (
    Case("seed-cnn", SeedCNN, lambda n: torch.randn(n, 1, 28, 28)),
    Case("lstm-classifier", LSTMClassifier, lambda n: torch.randn(n, 24, 4)),
    Case("transformer-classifier", TransformerClassifier, lambda n: torch.randint(0, 100, (n, 32))),
    Case("resnet-mini", ResNetMini, lambda n: torch.randn(n, 1, 8, 8)),
)


def _step(model: nn.Module, x: torch.Tensor, in_precision: Autocast) -> Callable[[], None]:
    def step() -> None:
        model.zero_grad(set_to_none=True)
        with in_precision():
            output = model(x)
        output.float().square().mean().backward()

    return step


def _check_same(case: Case, compiled: nn.Module, by_hand: nn.Module, x: torch.Tensor) -> None:
    """Stop with an error unless both networks give the same outputs and gradients in eval mode."""
    compiled.eval(), by_hand.eval()
    outputs = [m(x) for m in (compiled, by_hand)]
    for out in outputs:
        out.square().mean().backward()
    if not torch.allclose(outputs[0], outputs[1], atol=1e-5, rtol=1e-5):
        raise SystemExit(f"{case.template}: the hand-written network differs from the compiled one")
    grads = [dict(m.named_parameters()) for m in (compiled, by_hand)]
    for name, p in grads[0].items():
        if not torch.allclose(p.grad, grads[1][name].grad, atol=1e-4, rtol=1e-4):
            raise SystemExit(f"{case.template}: gradients of {name} differ between compiled and hand-written")
    compiled.train(), by_hand.train()


def measure(case: Case, *, batch_size: int, rounds: int, calls: int, device: torch.device) -> Comparison:
    torch.manual_seed(0)
    compiled = compile_design(load_template(case.template).design).to(device)
    by_hand = case.by_hand().to(device)
    by_hand.load_state_dict(compiled.state_dict(), strict=True)
    x = case.batch(batch_size).to(device)
    _check_same(case, compiled, by_hand, x)
    context = autocast(device)
    return compare(
        _step(compiled, x, context),
        _step(by_hand, x, context),
        rounds=rounds,
        calls=calls,
        sync=synchronizer(device),
        clock=time.process_time if device.type == "cpu" else time.perf_counter,
    )


def run(quick: bool = False, device: str = "cpu") -> list[Row]:
    """One row per template: compiled step time over the hand-written one's."""
    rounds, calls = (4, 4) if quick else (21, 10)
    where = torch_device(device)
    rows = []
    for case in CASES:
        result = measure(case, batch_size=BATCH_SIZE, rounds=rounds, calls=calls, device=where)
        rows.append(
            Row(
                f"fwd+bwd step, {case.template}" + (" (CPU time)" if where.type == "cpu" else ""),
                "the same network by hand",
                result.ratio,
                "×",
                TARGET,
                {
                    "compiled_ms": result.ours_s * 1e3,
                    "by_hand_ms": result.reference_s * 1e3,
                    "batch_size": BATCH_SIZE,
                    "rounds": rounds,
                    "calls_per_round": calls,
                    "precision": precision(where),
                },
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for a sanity check")
    parser.add_argument("--device", choices=DEVICES, default="cpu", help="cuda steps in bf16, as the engine trains")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print_table(run(args.quick, args.device))
    return 0


if __name__ == "__main__":
    sys.exit(main())
