"""Ops from Python against NumPy on the same data."""
import numpy as np
import pytest

import cadenza as cz


@pytest.fixture
def xy(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    y = rng.standard_normal((3, 4)).astype(np.float32)
    return x, y


def close(t, expected, tol=1e-5):
    np.testing.assert_allclose(t.numpy(), expected, rtol=tol, atol=tol)


def test_arithmetic_operators(xy):
    x, y = xy
    a, b = cz.tensor(x), cz.tensor(y)
    close(a + b, x + y)
    close(a - b, x - y)
    close(a * b, x * y)
    close(a / (b * b + 1), x / (y * y + 1))
    close(2.0 * a - 1.0, 2 * x - 1)
    close(1.0 - a, 1 - x)
    close(-a, -x)
    close(a @ b.T, x @ y.T)
    close((a > b).to("float32"), (x > y).astype(np.float32))


def test_unary_and_reductions(xy):
    x, _ = xy
    a = cz.tensor(x)
    close(cz.exp(a), np.exp(x))
    close(cz.tanh(a), np.tanh(x))
    close(cz.sigmoid(a), 1 / (1 + np.exp(-x)))
    close(cz.silu(a), x / (1 + np.exp(-x)))
    close(a.sum(), x.sum(), 1e-4)
    close(cz.mean(a, axis=1), x.mean(axis=1))
    close(cz.max(a, axis=[0], keepdim=True), x.max(axis=0, keepdims=True))
    close(cz.logsumexp(a, axis=-1), np.log(np.exp(x).sum(axis=-1)))
    close(cz.softmax(a, axis=-1), np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True))
    assert cz.argmax(a, 1).tolist() == x.argmax(axis=1).tolist()


def test_shapes_and_indexing(xy):
    x, _ = xy
    a = cz.tensor(x)
    close(a.reshape([4, 3]), x.reshape(4, 3))
    close(cz.transpose(a, 0, 1), x.T)
    close(cz.concat([a, a], axis=0), np.concatenate([x, x]))
    close(cz.stack([a, a], axis=1), np.stack([x, x], axis=1))
    idx = cz.tensor([2, 0], dtype="int64")
    close(cz.index_select(a, 0, idx), x[[2, 0]])
    assert a.unsqueeze(0).shape == (1, 3, 4)


def test_cross_entropy_matches_numpy(rng):
    logits = rng.standard_normal((5, 7)).astype(np.float32)
    target = rng.integers(0, 7, 5)
    loss = cz.cross_entropy(cz.tensor(logits), cz.tensor(target, dtype="int64"))
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    assert loss.item() == pytest.approx(-logp[np.arange(5), target].mean(), rel=1e-5)


def test_convolutions_take_torch_keywords(rng):
    x = rng.standard_normal((1, 2, 7)).astype(np.float32)
    w = rng.standard_normal((3, 2, 3)).astype(np.float32)
    got = cz.conv1d(cz.tensor(x), cz.tensor(w), stride=[2], padding=[1]).numpy()
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1)))
    want = np.stack([np.einsum("ck,ock->o", padded[0, :, i:i + 3], w) for i in range(0, 7, 2)], axis=-1)[None]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert cz.conv2d(cz.Tensor.ones([1, 1, 4, 4]), cz.Tensor.ones([1, 1, 3, 3])).tolist() == [[[[9, 9], [9, 9]]]]
