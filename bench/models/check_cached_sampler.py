#!/usr/bin/python3
"""The cached PyTorch Transformer sampler of torch_workloads.py gives the logits of the full
forward at every position (the peer bench/compare times must compute what the uncached
one does). Exits 77, a CTest skip, where torch is missing; under CI=true that fails."""
import importlib.util
import os
import sys

if importlib.util.find_spec("torch") is None:
    print(f"{sys.executable} has no torch: the PyTorch peer cannot run here")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch_workloads  # noqa: E402

torch.manual_seed(1)
torch_workloads.check_cached(torch_workloads.TransformerLm().eval(), tokens=16)
print("cached and full-forward logits agree at 16 positions")
