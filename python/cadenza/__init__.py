"""cadenza: a deep learning engine for symbolic music, from Python.

The engine is C++ (tensors, autograd, the CPU and Vulkan backends); this package is a thin
door into it. Tensors share memory with NumPy arrays both ways::

    import numpy as np, cadenza as cz
    a = np.ones((2, 3), np.float32)
    t = cz.from_numpy(a)        # no copy: a write to a is seen by t
    y = (t * 2).sum()
"""
import contextlib as _contextlib

from ._cadenza import *  # noqa: F401,F403  (Tensor, the ops, grad, backward, ...)
from ._cadenza import Error, Tensor, _set_grad_enabled, is_grad_enabled  # noqa: F401
from . import models, music, nn, optim  # noqa: F401

__all__ = [name for name in dir() if not name.startswith("_")]


@_contextlib.contextmanager
def no_grad():
    """Within the block, ops record no autograd history (inference)."""
    previous = _set_grad_enabled(False)
    try:
        yield
    finally:
        _set_grad_enabled(previous)


@_contextlib.contextmanager
def enable_grad():
    """Within the block, ops record autograd history even inside no_grad()."""
    previous = _set_grad_enabled(True)
    try:
        yield
    finally:
        _set_grad_enabled(previous)
