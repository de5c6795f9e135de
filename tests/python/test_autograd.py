"""Autograd from Python: a layer composed of ops in Python, checked against finite
differences in float64, to the second order; no_grad."""
import numpy as np
import pytest

import cadenza as cz


class GatedLayer(cz.nn.Module):
    """y = tanh(x W) * sigmoid(x V): a layer written in Python, composed of engine ops."""

    def __init__(self, w, v):
        super().__init__()
        self.w = cz.tensor(w, dtype="float64", requires_grad=True)
        self.v = cz.tensor(v, dtype="float64", requires_grad=True)

    def forward(self, x):
        return cz.tanh(x @ self.w) * cz.sigmoid(x @ self.v)


def loss_of(layer, x):
    return (layer(x) * layer(x)).sum()


def test_python_layer_gradients_match_finite_differences(rng):
    w0 = rng.standard_normal((4, 3))
    v0 = rng.standard_normal((4, 3))
    x = cz.tensor(rng.standard_normal((5, 4)), dtype="float64")
    layer = GatedLayer(w0, v0)
    assert [n for n, _ in layer.named_parameters()] == ["w", "v"]
    loss_of(layer, x).backward()
    analytic = layer.w.grad.numpy().copy()

    eps = 1e-6
    numeric = np.zeros_like(w0)
    for i in range(w0.shape[0]):
        for j in range(w0.shape[1]):
            w = w0.copy()
            w[i, j] += eps
            up = loss_of(GatedLayer(w, v0), x).item()
            w[i, j] -= 2 * eps
            down = loss_of(GatedLayer(w, v0), x).item()
            numeric[i, j] = (up - down) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_second_order_gradients_match_finite_differences(rng):
    x0 = rng.standard_normal(6)

    def first_grad(values):
        x = cz.tensor(values, dtype="float64", requires_grad=True)
        (g,) = cz.grad([(cz.sin(x) * x * x).sum()], [x], create_graph=True)
        return x, g

    x, g = first_grad(x0)
    (h,) = cz.grad([g.sum()], [x])  # the Hessian's row sums (diagonal here)
    eps = 1e-6
    numeric = (first_grad(x0 + eps)[1].numpy() - first_grad(x0 - eps)[1].numpy()) / (2 * eps)
    np.testing.assert_allclose(h.numpy(), numeric, rtol=1e-6, atol=1e-8)


def test_no_grad_records_nothing():
    w = cz.tensor([1.0, 2.0], requires_grad=True)
    with cz.no_grad():
        y = w * 3.0
        assert not cz.is_grad_enabled()
    assert cz.is_grad_enabled()
    assert not y.requires_grad
    with pytest.raises(cz.Error):
        y.sum().backward()
