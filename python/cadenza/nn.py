"""Layers. Module is the base of a layer written in Python: assign tensors made with
Parameter() and other modules (Python or C++) as attributes, write forward() with cadenza
ops, and the engine's autograd and optimizers train it. The C++ layers (Linear, LSTM, ...)
are modules too and can be children of a Python Module, and the other way round."""
from collections import OrderedDict

from . import _cadenza
from ._cadenza import _nn
from ._cadenza._nn import (  # noqa: F401
    GRU, LSTM, Conv1d, Conv2d, Conv3d, Dropout, Embedding, LayerNorm, Linear, MultiheadAttention)

__all__ = ["Module", "Parameter", "Linear", "Embedding", "LayerNorm", "Dropout", "LSTM", "GRU",
           "MultiheadAttention", "Conv1d", "Conv2d", "Conv3d", "Sequential"]


def Parameter(data):
    """A leaf tensor that requires grad: a copy of data (array, list, Tensor) in float32."""
    if isinstance(data, _cadenza.Tensor):
        t = data.detach().clone()
    else:
        t = _cadenza.tensor(data)
    t.requires_grad = True
    return t


def _is_module(value):
    return isinstance(value, (Module, _nn.Module))


class Module:
    """Base of a layer written in Python (torch.nn.Module's shape).

    Attributes that are tensors requiring grad are its parameters; attributes that are
    modules are its children; register_buffer() adds state that is saved but not trained."""

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}: call Module.__init__() before assigning attributes")
        for table in (self._parameters, self._buffers, self._modules):
            table.pop(name, None)
        if isinstance(value, _cadenza.Tensor) and value.requires_grad:
            self._parameters[name] = value
        elif _is_module(value):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def register_buffer(self, name, tensor):
        self.__setattr__(name, tensor)
        self._buffers[name] = tensor

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def named_children(self):
        return list(self._modules.items())

    def named_parameters(self):
        """(dotted name, tensor) of this module's parameters and its children's, in order."""
        out = list(self._parameters.items())
        for prefix, child in self._modules.items():
            out += [(f"{prefix}.{name}", t) for name, t in child.named_parameters()]
        return out

    def parameters(self):
        return [t for _, t in self.named_parameters()]

    def named_buffers(self):
        out = list(self._buffers.items())
        for prefix, child in self._modules.items():
            out += [(f"{prefix}.{name}", t) for name, t in child.named_buffers()]
        return out

    def state_dict(self):
        """Every parameter and buffer by dotted name (the tensors themselves, not copies)."""
        return OrderedDict(self.named_parameters() + self.named_buffers())

    def load_state_dict(self, state, strict=True):
        """Copies state's tensors into this module's (shapes must match)."""
        own = self.state_dict()
        if strict:
            missing = sorted(set(own) - set(state))
            unexpected = sorted(set(state) - set(own))
            if missing or unexpected:
                raise _cadenza.Error(f"load_state_dict: missing {missing}, unexpected {unexpected}")
        previous = _cadenza._set_grad_enabled(False)  # an in-place copy into a leaf: not recorded
        try:
            for name, t in own.items():
                if name in state:
                    src = state[name]
                    if tuple(src.shape) != tuple(t.shape):
                        raise _cadenza.Error(
                            f"load_state_dict: {name} has shape {list(src.shape)}, expected {list(t.shape)}")
                    t.copy_(src)
        finally:
            _cadenza._set_grad_enabled(previous)

    def train(self, mode=True):
        object.__setattr__(self, "training", mode)
        for child in self._modules.values():
            child.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def zero_grad(self):
        for t in self.parameters():
            t.grad = None

    def num_parameters(self):
        return sum(t.numel() for t in self.parameters())


class Sequential(Module):
    """Modules applied in order: Sequential(Linear(4, 8), Linear(8, 1))."""

    def __init__(self, *modules):
        super().__init__()
        for i, m in enumerate(modules):
            setattr(self, str(i), m)

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x
