"""The one training loop's options: the optimiser each caller asks for, what a caller may refuse,
and a loop without validation (finetune's) that trains its epochs and keeps no checkpoint."""
import time

import numpy as np
import pytest
import torch

from nextitem_trainer.core.config import ConfigError, TrainConfig
from nextitem_trainer.core.training import Checkpoints, OptimizerSpec, StopPolicy, TrainingLoop


class Line(torch.nn.Module):
    """y = w x, a loss to step on, and a count of after_step calls."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.after_steps = 0

    def calculate_loss(self, batch):
        return ((self.w * batch["x"] - 2 * batch["x"]) ** 2).mean()

    def after_step(self):
        self.after_steps += 1


def test_the_optimiser_follows_the_config_unless_the_caller_fixes_it():
    tc = TrainConfig(optimizer="adamw", lr=0.01, weight_decay=0.1, adam_beta2=0.95)
    group = OptimizerSpec.from_config(tc).build(Line()).param_groups[0]
    assert (group["lr"], group["weight_decay"], group["betas"]) == (0.01, 0.1, (0.9, 0.95))
    assert OptimizerSpec.from_config(tc, betas=(0.9, 0.98)).build(Line()).param_groups[0]["betas"] == (0.9, 0.98)
    adagrad = OptimizerSpec.from_config(TrainConfig(optimizer="adagrad")).build(Line())
    assert isinstance(adagrad, torch.optim.Adagrad) and adagrad.param_groups[0]["initial_accumulator_value"] == 0.1
    with pytest.raises(ConfigError, match="train.optimizer: P4 training knows adam and adamw, got 'adagrad'"):
        OptimizerSpec.from_config(TrainConfig(optimizer="adagrad"), allowed=("adam", "adamw"), who="P4 training")


@pytest.mark.parametrize("after_step", [True, False])
def test_a_loop_without_validation_trains_every_epoch_and_calls_after_step_as_asked(after_step):
    model = Line()
    loop = TrainingLoop(model, OptimizerSpec("adam", 0.1).build(model), StopPolicy(epochs=3),
                        after_step=after_step, progress=False)
    batches = [{"x": torch.tensor([1.0, 2.0])}, {"x": torch.tensor([3.0])}]
    assert loop.run(lambda: iter(batches), len(batches)) == "epochs"
    assert loop.state["epoch"] == 3 and len(loop.state["history"]) == 3 and loop.state["best"] is None
    assert model.after_steps == (6 if after_step else 0)
    assert float(model.w) > 0.2  # it stepped towards w = 2


def test_a_validated_loop_needs_somewhere_to_keep_its_best_weights(tmp_path):
    model = Line()
    with pytest.raises(ValueError, match="checkpoints"):
        TrainingLoop(model, OptimizerSpec().build(model), StopPolicy(epochs=1), validate=lambda m: {"NDCG@10": 0.0})
    loop = TrainingLoop(model, OptimizerSpec().build(model), StopPolicy(epochs=5, patience=2), rng=np.random.default_rng(0),
                        validate=lambda m: {"NDCG@10": 0.5}, checkpoints=Checkpoints(tmp_path, {"config": {}}),
                        progress=False)
    reason = loop.run(lambda: iter([{"x": torch.ones(1)}]))
    assert reason == "early stop: no NDCG@10 gain in 2 evaluations" and loop.state["epoch"] == 3
    best = torch.load(loop.finish(reason))
    assert best["epoch"] == 1 and best["valid_P1"] == {"NDCG@10": 0.5} and (tmp_path / "last.pt").is_file()


@pytest.mark.parametrize("within_epoch", [True, False])
def test_a_budget_within_the_epoch_ends_it_part_way(within_epoch):
    """A budget of 0.6 ms, spent in the first step: with budget_within_epoch the epoch stops after
    that step (at least one step always runs); without, the epoch finishes and then the run stops."""
    model = Line()
    steps = []

    def slow_batches():
        for i in range(5):
            steps.append(i)
            yield {"x": torch.tensor([1.0])}
            time.sleep(0.01)  # each batch outlasts the budget

    policy = StopPolicy(epochs=3, max_minutes=1e-5, budget_within_epoch=within_epoch)
    loop = TrainingLoop(model, OptimizerSpec("adam", 0.1).build(model), policy, progress=False)
    assert loop.run(slow_batches) == "time budget of 1e-05 minutes reached"
    assert loop.state["epoch"] == 1 and len(steps) == (2 if within_epoch else 5)
