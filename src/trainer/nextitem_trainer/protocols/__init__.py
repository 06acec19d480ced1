"""Evaluation protocols with training or data of their own: P4 (windows), the streaming protocol's split and report."""
