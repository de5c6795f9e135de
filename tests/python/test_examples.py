"""examples/python/custom_layer.py: the Python layer trains, and from the same weights it
follows PyTorch's twin step for step (forward, backward and Adam alike)."""
import importlib.util
import pathlib

import numpy as np
import pytest

import cadenza as cz

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_example():
    spec = importlib.util.spec_from_file_location("custom_layer", ROOT / "examples" / "python" / "custom_layer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


example = load_example()


def test_the_example_learns_its_sequence():
    assert example.main(steps=150) < 0.05


def torch_twin(torch, model):
    """The same network in PyTorch, with the cadenza model's weights."""
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self, width):
            super().__init__()
            self.proj, self.norm, self.width = nn.Linear(width, 2 * width), nn.LayerNorm([width]), width

        def forward(self, x):
            a, g = self.proj(x).split(self.width, dim=-1)
            return x + self.norm(a * torch.sigmoid(g))

    class Twin(nn.Module):
        def __init__(self, vocab, width):
            super().__init__()
            self.embedding, self.block, self.out = nn.Embedding(vocab, width), Block(width), nn.Linear(width, vocab)

        def forward(self, tokens):
            return self.out(self.block(self.embedding(tokens)))

    twin = Twin(8, 16).double()
    state = {name: torch.from_numpy(np.array(t.numpy(), dtype=np.float64)) for name, t in dict(model.state_dict()).items()}
    twin.load_state_dict(state)
    return twin


def test_training_matches_pytorch():
    torch = pytest.importorskip("torch")
    cz.manual_seed(1)
    model = example.TinyLm(8, 16)
    # The twin runs in float64: what differs is cadenza's float32 rounding alone.
    twin = torch_twin(torch, model)
    inputs, targets = example.toy_batch(seed=3)
    opt_t = torch.optim.Adam(twin.parameters(), lr=1e-2)
    opt_c = cz.optim.Adam(model.parameters(), lr=1e-2)
    x, y = cz.tensor(inputs, dtype="int64"), cz.tensor(targets, dtype="int64")
    losses_c, losses_t = [], []
    for _ in range(20):
        opt_c.zero_grad()
        loss = model.loss(x, y)
        loss.backward()
        opt_c.step()
        losses_c.append(loss.item())
        opt_t.zero_grad()
        logits = twin(torch.from_numpy(inputs))
        lt = torch.nn.functional.cross_entropy(logits.reshape(-1, 8), torch.from_numpy(targets).reshape(-1))
        lt.backward()
        opt_t.step()
        losses_t.append(lt.item())
    np.testing.assert_allclose(losses_c, losses_t, rtol=2e-4, atol=2e-5)
    for name, t in dict(model.state_dict()).items():
        np.testing.assert_allclose(t.numpy(), twin.state_dict()[name].numpy(), rtol=1e-3, atol=1e-4, err_msg=name)
