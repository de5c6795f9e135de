"""Layers from Python: a Python module holding C++ layers, trained by the engine's Adam;
state dicts through safetensors files."""
import numpy as np

import cadenza as cz


class TinyLM(cz.nn.Module):
    """Embedding -> LSTM -> Linear, a next-token model over a vocabulary of 5."""

    def __init__(self):
        super().__init__()
        self.embed = cz.nn.Embedding(5, 8)
        self.lstm = cz.nn.LSTM(8, 16, batch_first=True)
        self.head = cz.nn.Linear(16, 5)

    def forward(self, tokens):
        out, _ = self.lstm(self.embed(tokens))
        return self.head(out)


def test_a_python_module_of_cpp_layers_learns_a_sequence():
    cz.manual_seed(0)
    model = TinyLM()
    names = [n for n, _ in model.named_parameters()]
    assert names[0] == "embed.weight" and "lstm.weight_ih_l0" in names and names[-1] == "head.bias"
    seq = np.array([[0, 1, 2, 3, 4, 0, 1, 2, 3, 4]])
    inputs = cz.tensor(seq[:, :-1], dtype="int64")
    targets = cz.tensor(seq[:, 1:], dtype="int64")
    opt = cz.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = cz.cross_entropy(model(inputs).reshape([9, 5]), targets.reshape([9]))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[0] > 1.4  # about log(5) at the start
    assert losses[-1] < 0.05  # the cycle is learnt


def test_state_dict_round_trips_through_safetensors(tmp_path):
    cz.manual_seed(1)
    a = TinyLM()
    cz.save_safetensors(tmp_path / "tiny.safetensors", dict(a.state_dict()), {"note": "test"})
    cz.manual_seed(2)
    b = TinyLM()
    tensors, meta = cz.load_safetensors(tmp_path / "tiny.safetensors")
    assert meta["note"] == "test"
    b.load_state_dict(tensors)
    x = cz.tensor([[1, 2, 3]], dtype="int64")
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())


def test_load_state_dict_names_what_is_wrong():
    m = TinyLM()
    state = dict(m.state_dict())
    del state["head.bias"]
    try:
        m.load_state_dict(state)
    except cz.Error as e:
        assert "missing ['head.bias']" in str(e)
    else:
        raise AssertionError("a missing tensor was accepted")
