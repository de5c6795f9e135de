"""A custom layer written in Python, trained by cadenza's autograd and optimizer.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/custom_layer.py

GatedResidual is a cadenza.nn.Module whose forward composes engine ops: a gated linear
unit (a Linear to twice the width, one half gating the other through a sigmoid), a layer
norm, and a residual connection. A small model of it (Embedding -> GatedResidual -> Linear)
learns to predict the next token of a repeating sequence; tests/python/test_examples.py
trains the same model in PyTorch from the same weights and checks that the two agree.
"""
import numpy as np

import cadenza as cz


class GatedResidual(cz.nn.Module):
    """x + LayerNorm(GLU(x)): GLU(x) = a * sigmoid(g), where [a, g] = Linear(x)."""

    def __init__(self, width):
        super().__init__()
        self.proj = cz.nn.Linear(width, 2 * width)
        self.norm = cz.nn.LayerNorm([width])
        self.width = width

    def forward(self, x):
        h = self.proj(x)
        a = cz.narrow(h, -1, 0, self.width)
        g = cz.narrow(h, -1, self.width, self.width)
        return x + self.norm(a * cz.sigmoid(g))


class TinyLm(cz.nn.Module):
    def __init__(self, vocab, width):
        super().__init__()
        self.embedding = cz.nn.Embedding(vocab, width)
        self.block = GatedResidual(width)
        self.out = cz.nn.Linear(width, vocab)
        self.vocab = vocab

    def forward(self, tokens):
        return self.out(self.block(self.embedding(tokens)))

    def loss(self, inputs, targets):
        logits = self(inputs)
        return cz.cross_entropy(cz.reshape(logits, [-1, self.vocab]), cz.reshape(targets, [-1]))


def toy_batch(vocab=8, batch=4, length=12, seed=0):
    """Rows of the cycle 0, 1, ..., vocab-1 from random offsets: inputs and next tokens."""
    rng = np.random.default_rng(seed)
    start = rng.integers(0, vocab, (batch, 1))
    seq = (start + np.arange(length + 1)) % vocab
    return seq[:, :-1].astype(np.int64), seq[:, 1:].astype(np.int64)


def main(steps=200):
    cz.manual_seed(0)
    inputs, targets = toy_batch()
    model = TinyLm(8, 16)
    opt = cz.optim.Adam(model.parameters(), lr=1e-2)
    x, y = cz.tensor(inputs, dtype="int64"), cz.tensor(targets, dtype="int64")
    for step in range(1, steps + 1):
        opt.zero_grad()
        loss = model.loss(x, y)
        loss.backward()
        opt.step()
        if step % 50 == 0:
            print(f"step {step}: loss {loss.item():.4f}")
    return loss.item()


if __name__ == "__main__":
    main()
