"""The PyTorch peer of bench_lstm: the same LSTM language model and the same work.

Model: Embedding(390, 256) -> LSTM(256, 512, 2 layers, batch_first) -> Linear(512, 390).
  train  B=32, T=128 random tokens, cross-entropy, Adam(lr 1e-3): tokens/s of whole steps
  sample batch 1, 256 tokens from a start token, softmax + multinomial each step, the
         recurrent state carried (as users write it): tokens/s
Usage: lstm_torch.py WORKLOAD THREADS STEPS   (prints one line: "<workload> <tokens/s>")
"""
import sys
import time

import torch

VOCAB, EMBED, HIDDEN, LAYERS = 390, 256, 512, 2


class LstmLm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCAB, EMBED)
        self.lstm = torch.nn.LSTM(EMBED, HIDDEN, LAYERS, batch_first=True)
        self.out = torch.nn.Linear(HIDDEN, VOCAB)

    def forward(self, tokens, state=None):
        y, state = self.lstm(self.embed(tokens), state)
        return self.out(y), state


def train(model, steps, batch=32, length=128):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(1)
    x = torch.randint(0, VOCAB, (batch, length), generator=gen)
    y = torch.randint(0, VOCAB, (batch, length), generator=gen)

    def step():
        opt.zero_grad()
        logits, _ = model(x)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB), y.reshape(-1))
        loss.backward()
        opt.step()

    step()  # warm-up: Adam state, allocator caches
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * batch * length / (time.perf_counter() - t0)


@torch.no_grad()
def sample(model, runs, length=256):
    model.eval()
    torch.manual_seed(1)

    def run():
        tok = torch.zeros(1, 1, dtype=torch.long)
        state = None
        for _ in range(length):
            logits, state = model(tok, state)
            tok = torch.multinomial(torch.softmax(logits[:, -1], -1), 1)
            tok.item()  # the token is read on the host, as a sampler does

    run()
    t0 = time.perf_counter()
    for _ in range(runs):
        run()
    return runs * length / (time.perf_counter() - t0)


def main():
    workload, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = LstmLm()
    rate = train(model, steps) if workload == "train" else sample(model, steps)
    print(f"{workload} {rate:.1f}")


if __name__ == "__main__":
    main()
