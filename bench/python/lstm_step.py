"""One training step of the LSTM language model driven from Python, against the same step
in C++ (bench/lstm's `bench_lstm train`, the shared bench model of bench/models/lstm_lm.h).

    PYTHONPATH=build/python /usr/bin/python3 bench/python/lstm_step.py --bench-lstm build/bench/lstm/bench_lstm

Model and step as bench_lstm's: Embedding(390, 256) -> LSTM(256, 512, 2 layers,
batch_first) -> Linear(512, 390); a batch of 32 x 128 random tokens; zero_grad, forward,
mean cross-entropy, backward, Adam (lr 1e-3); 2 threads. Python builds the model from
cadenza.nn layers in a cadenza.nn.Module and runs the step as a user writes it. Each
round runs the C++ program (its own warm-up step, then --steps timed) and then the Python
loop (--steps timed, warmed up once) back to back; the medians of tokens/s are compared.
"""
import argparse
import json
import os
import statistics
import subprocess
import time

import numpy as np

import cadenza as cz

VOCAB, EMBED, HIDDEN, LAYERS, BATCH, LENGTH = 390, 256, 512, 2, 32, 128


class LstmLm(cz.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = cz.nn.Embedding(VOCAB, EMBED)
        self.lstm = cz.nn.LSTM(EMBED, HIDDEN, num_layers=LAYERS, batch_first=True)
        self.out = cz.nn.Linear(HIDDEN, VOCAB)

    def forward(self, tokens):
        h, _ = self.lstm(self.embedding(tokens))
        return self.out(h)


def python_rate(model, opt, inputs, targets, steps):
    t0 = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        logits = model(inputs)
        loss = cz.cross_entropy(cz.reshape(logits, [-1, VOCAB]), cz.reshape(targets, [-1]))
        loss.backward()
        opt.step()
    loss.item()
    return steps * BATCH * LENGTH / (time.perf_counter() - t0)


def cpp_rate(bench_lstm, steps):
    out = subprocess.run([bench_lstm, "train", "--no-peer", "--json", "--threads", "2", "--steps", str(steps)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["train"]["cadenza"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench-lstm", required=True, help="the bench_lstm program (build/bench/lstm/bench_lstm)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--steps", type=int, default=2, help="timed steps per round and side")
    args = p.parse_args()
    rng = np.random.default_rng(1)
    inputs = cz.tensor(rng.integers(0, VOCAB, (BATCH, LENGTH)), dtype="int64")
    targets = cz.tensor(rng.integers(0, VOCAB, (BATCH, LENGTH)), dtype="int64")
    model = LstmLm()
    opt = cz.optim.Adam(model.parameters(), lr=1e-3)
    python_rate(model, opt, inputs, targets, 1)  # warm-up: Adam state, allocator caches
    rates = {"c++": [], "python": []}
    for _ in range(args.rounds):
        rates["c++"].append(cpp_rate(args.bench_lstm, args.steps))
        rates["python"].append(python_rate(model, opt, inputs, targets, args.steps))
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.rounds} rounds x {args.steps} steps")
    med = {k: statistics.median(v) for k, v in rates.items()}
    for k, v in rates.items():
        print(f"{k:7s} median {med[k]:8.1f} tok/s  rounds: " + " ".join(f"{r:.1f}" for r in v))
    print(f"python/c++ step time {med['c++'] / med['python']:.3f} (target <= 1.05)")


if __name__ == "__main__":
    main()
