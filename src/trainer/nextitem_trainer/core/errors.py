"""Errors in what a user gave the trainer (a config key, a value), raised wherever the input is
checked: config.py and each model's own Config. A leaf module, so the models can raise it
without importing the config module that imports them."""


class ConfigError(ValueError):
    """A config file or dict that does not match the expected shape."""
