"""A Python loop of small ops, cadenza against PyTorch 1.13: the same loop on the same
tensors (float32, 4x4 and 16 elements), so the time is the binding's cost per call plus
the engine's dispatch, not arithmetic. Twice: under no_grad, and recording autograd
history (the inputs require grad; each iteration's graph is built and dropped).

    PYTHONPATH=build/python /usr/bin/python3 bench/python/small_ops.py [--rounds 7] [--iters 20000]

Each round times both libraries back to back (their order alternating), at one thread
each; the median of the rounds is reported with the load average.
"""
import argparse
import os
import statistics
import time

import numpy as np
import torch

import cadenza as cz


def step(lib, a, b, w):
    """One iteration: seven small ops, as a model's Python glue would chain them."""
    c = a + b
    c = c * a
    c = lib.tanh(c)
    d = lib.matmul(w, w)
    e = d - w
    s = c.sum()
    return s + e.mean()


def time_loop(lib, tensors, iters):
    a, b, w = tensors
    step(lib, a, b, w)  # warm-up
    t0 = time.perf_counter()
    for _ in range(iters):
        step(lib, a, b, w)
    return (time.perf_counter() - t0) / iters


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--iters", type=int, default=20000)
    args = p.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(16).astype(np.float32), rng.standard_normal(16).astype(np.float32),
              rng.standard_normal((4, 4)).astype(np.float32)]
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.rounds} rounds x {args.iters} iterations")
    for grad in (False, True):
        libs = {"cadenza": (cz, [cz.tensor(x, requires_grad=grad) for x in arrays]),
                "pytorch": (torch, [torch.from_numpy(x.copy()).requires_grad_(grad) for x in arrays])}
        # Same result from both: the loop computes the same thing.
        got = {name: step(lib, *ts).item() for name, (lib, ts) in libs.items()}
        assert abs(got["cadenza"] - got["pytorch"]) < 1e-4, got
        times = {name: [] for name in libs}
        for r in range(args.rounds):
            for name in (list(libs) if r % 2 == 0 else list(libs)[::-1]):
                lib, ts = libs[name]
                times[name].append(time_loop(lib, ts, args.iters))
        med = {name: statistics.median(v) for name, v in times.items()}
        print("recording autograd history" if grad else "no autograd (inputs without requires_grad)")
        for name, v in times.items():
            print(f"  {name:8s} median {med[name] * 1e6:7.2f} us/iteration  rounds: "
                  + " ".join(f"{t * 1e6:.2f}" for t in v))
        print(f"  ratio cadenza/pytorch {med['cadenza'] / med['pytorch']:.2f} (target <= 2.00)")


if __name__ == "__main__":
    main()
