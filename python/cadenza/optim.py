"""Optimizers, step for step as torch.optim's: SGD, Adam, AdamW.

Each takes any iterable of tensors, e.g. a Module's parameters()."""
from ._cadenza._optim import SGD, Adam, AdamW, Optimizer  # noqa: F401

__all__ = ["Optimizer", "SGD", "Adam", "AdamW"]
