"""The parts every command stands on: config, paths, data, models, the training loop, evaluation, metrics, checkpoints and result files."""
