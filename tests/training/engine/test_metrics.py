"""Losses and metrics per task, against the same numbers worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional

from designer.training.metrics import Tally, compute_loss


def test_regression_mae_and_rmse_over_batches():
    outputs = [torch.tensor([[1.0], [2.0]]), torch.tensor([[0.0]])]
    targets = [torch.tensor([1.5, 2.0]), torch.tensor([-2.0])]
    tally = Tally("regression", torch.device("cpu"))
    for output, target in zip(outputs, targets, strict=True):
        tally.add(output, target)
    result = tally.result()
    assert result["mae"] == pytest.approx((0.5 + 0 + 2) / 3)
    assert result["rmse"] == pytest.approx(math.sqrt((0.25 + 0 + 4) / 3))
    assert result["loss"] == pytest.approx((0.25 / 2 * 2 + 4) / 3)


def test_classification_loss_is_cross_entropy_on_scores():
    output, target = torch.randn(5, 3), torch.tensor([0, 2, 1, 1, 0])
    assert compute_loss("classification", output, target) == pytest.approx(functional.cross_entropy(output, target))


def test_multi_label_loss_and_label_accuracy():
    output = torch.tensor([[2.0, -1.0], [-3.0, 0.5]])
    target = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    loss = compute_loss("multi-label", output, target)
    assert loss == pytest.approx(functional.binary_cross_entropy_with_logits(output, target))
    tally = Tally("multi-label", torch.device("cpu"))
    tally.add(output, target)
    assert tally.result()["accuracy"] == pytest.approx(3 / 4)


def test_confusion_precision_and_recall():
    output = torch.tensor([[5.0, 0, 0], [0, 5.0, 0], [0, 5.0, 0], [0, 0, 5.0]])
    target = torch.tensor([0, 1, 2, 2])
    tally = Tally("classification", torch.device("cpu"), num_classes=3, confusion=True)
    tally.add(output, target)
    report = tally.class_report()
    assert report["confusion"] == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    assert report["precision"] == [1.0, 0.5, 1.0]
    assert report["recall"] == [1.0, 1.0, 0.5]
    assert tally.result()["accuracy"] == pytest.approx(3 / 4)


@pytest.mark.parametrize("held_values", [1, 7, 1 << 22])
def test_batches_held_back_or_tallied_at_once_give_the_same_numbers(monkeypatch, held_values):
    monkeypatch.setattr(Tally, "HELD_VALUES", held_values)
    generator = torch.Generator().manual_seed(0)
    outputs = [torch.randn(n, 4, generator=generator) for n in (5, 5, 3)]
    targets = [torch.randint(0, 4, (n,), generator=generator) for n in (5, 5, 3)]
    tally = Tally("classification", torch.device("cpu"), num_classes=4, confusion=True)
    for output, target in zip(outputs, targets, strict=True):
        tally.add(output, target)
    output, target = torch.cat(outputs), torch.cat(targets)
    result = tally.result()
    assert result["loss"] == pytest.approx(functional.cross_entropy(output, target).item(), rel=1e-6)
    assert result["accuracy"] == pytest.approx((output.argmax(1) == target).float().mean().item())
    assert sum(map(sum, tally.class_report()["confusion"])) == 13


def test_outputs_that_need_gradients_are_tallied_without_them():
    output = torch.randn(4, 3, requires_grad=True)
    tally = Tally("classification", torch.device("cpu"))
    tally.add(output * 2, torch.tensor([0, 1, 2, 0]))
    tally.flush()
    assert not tally.loss.requires_grad


@pytest.mark.parametrize("held_values", [1, 7, 1 << 22])
def test_the_first_batch_whose_loss_is_not_finite_is_found_wherever_the_flush_falls(monkeypatch, held_values):
    monkeypatch.setattr(Tally, "HELD_VALUES", held_values)
    outputs = [torch.randn(3, 1) for _ in range(5)]
    outputs[2][1, 0], outputs[3][0, 0] = float("inf"), float("nan")
    tally = Tally("regression", torch.device("cpu"))
    for output in outputs:
        tally.add(output, torch.zeros(3))
    assert not math.isfinite(tally.result()["loss"])
    assert tally.first_not_finite == (2, float("inf"))


def test_a_finite_tally_finds_nothing_and_an_empty_one_reads_zero():
    tally = Tally("classification", torch.device("cpu"))
    assert tally.result() == {"loss": 0.0, "accuracy": 0.0}
    tally.add(torch.randn(4, 3), torch.tensor([0, 1, 2, 0]))
    tally.add(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long))
    assert math.isfinite(tally.result()["loss"]) and tally.first_not_finite is None
