#!/usr/bin/python3
"""PyTorch's side of bench_live_latency: the same models (sizes, random weights) sampled
step by step the way a PyTorch user writes it, on the same phrases (the JSON the C++
benchmark writes with --script), the same protocol: prime with the phrase, sample until
the first note-on (the first-event latency), go on to 4 s of music (generation speed).

    /usr/bin/python3 bench/live/live_torch.py PHRASES.json [poly_rnn performance_rnn music_transformer]

Prints one JSON line per model. torch.set_num_threads(2), float32, no grad, eval mode.
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SECONDS, TEMPO = 4.0, 120.0  # the continuation: 8 beats at 120 BPM
NOTE_OFF, TIME_SHIFT, VELOCITY, VOCAB = 128, 256, 356, 388


def performance_tokens(notes):
    """Magenta's performance events of one phrase (as music/repr/performance.h)."""
    events = []
    for on, off, pitch, vel in notes:
        events.append((round(on * 100), 1, pitch, vel))
        events.append((round(off * 100), 0, pitch, vel))
    events.sort()
    tokens, now, velocity = [], 0, None
    for step, kind, pitch, vel in events:
        while step > now:
            shift = min(100, step - now)
            tokens.append(TIME_SHIFT + shift - 1)
            now += shift
        if kind == 0:
            tokens.append(NOTE_OFF + pitch)
        else:
            b = (vel - 1) // 4
            if b != velocity:
                tokens.append(VELOCITY + b)
                velocity = b
            tokens.append(pitch)
    return tokens


class PerformanceRnn(nn.Module):  # performance_rnn small: one-hot 388 -> LSTM 256 -> 388
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(VOCAB, 256, 1, batch_first=True)
        self.out = nn.Linear(256, VOCAB)

    def prime(self, tokens):
        x = torch.zeros(1, len(tokens) + 1, VOCAB)  # the all-zero start input, then the primer
        for i, t in enumerate(tokens):
            x[0, i + 1, t] = 1
        h, self.state = self.lstm(x)
        return self.out(h[:, -1])

    def step(self, token):
        x = F.one_hot(torch.tensor([[token]]), VOCAB).float()
        h, self.state = self.lstm(x, self.state)
        return self.out(h[:, -1])


class RelativeBlock(nn.Module):
    def __init__(self, d, heads, ff, max_rel):
        super().__init__()
        self.h, self.dh, self.max_rel = heads, d // heads, max_rel
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.rel = nn.Parameter(torch.randn(max_rel, self.dh) * 0.02)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.ReLU(), nn.Linear(ff, d))

    def forward(self, x, cache):
        B, L, D = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(B, L, 3, self.h, self.dh).permute(2, 0, 3, 1, 4)
        if cache:
            k, v = torch.cat([cache[0], k], 2), torch.cat([cache[1], v], 2)
        cache[:] = [k, v]
        T = k.shape[2]
        qi = torch.arange(T - L, T).unsqueeze(1)
        dist = qi - torch.arange(T).unsqueeze(0)  # [L, T]
        emb = torch.cat([self.rel, torch.zeros(1, self.dh)])[dist.clamp(0, self.max_rel)]  # far: zero
        logits = (q @ k.transpose(-1, -2) + torch.einsum("bhld,ltd->bhlt", q, emb)) / math.sqrt(self.dh)
        logits = logits.masked_fill(dist < 0, float("-inf"))
        a = (logits.softmax(-1) @ v).transpose(1, 2).reshape(B, L, D)
        x = x + self.proj(a)
        return x + self.ff(self.norm2(x))


class MusicTransformer(nn.Module):  # music_transformer small: 4 layers, d 128, 4 heads, ff 512
    def __init__(self, layers=4, d=128, heads=4, ff=512, max_rel=256):
        super().__init__()
        self.d = d
        self.embed = nn.Embedding(VOCAB, d)
        nn.init.normal_(self.embed.weight, 0, d ** -0.5)  # as cadenza's (and tensor2tensor's), before the sqrt(d) scale
        self.blocks = nn.ModuleList(RelativeBlock(d, heads, ff, max_rel) for _ in range(layers))
        self.norm, self.out = nn.LayerNorm(d), nn.Linear(d, VOCAB)

    def run(self, tokens):
        x = self.embed(torch.tensor([tokens])) * math.sqrt(self.d)
        for block, cache in zip(self.blocks, self.caches):
            x = block(x, cache)
        return self.out(self.norm(x[:, -1]))

    def prime(self, tokens):
        self.caches = [[] for _ in self.blocks]
        return self.run(tokens or [VELOCITY + 15])

    def step(self, token):
        return self.run([token])


def token_model_run(model, phrase):
    """Seconds to the first note-on and to the end of 4 s of music."""
    t0 = time.perf_counter()
    logits = model.prime(performance_tokens(phrase))
    first, now = None, 0
    while now < SECONDS * 100:
        t = int(torch.multinomial(F.softmax(logits[0], -1), 1))
        if t < NOTE_OFF and first is None:
            first = time.perf_counter() - t0
        if TIME_SHIFT <= t < VELOCITY:
            now += t - TIME_SHIFT + 1
        logits = model.step(t)
    return first, time.perf_counter() - t0


class PolyRnnNade(nn.Module):  # zoo bach_chorales: 88 keys -> LSTM 256 -> RNN-NADE (150)
    def __init__(self, keys=88, hidden=256, nade=150):
        super().__init__()
        self.lstm = nn.LSTM(keys, hidden, 1, batch_first=True)
        self.b, self.c = nn.Linear(hidden, keys), nn.Linear(hidden, nade)
        self.W, self.V = nn.Parameter(torch.randn(keys, nade) * 0.01), nn.Parameter(torch.randn(keys, nade) * 0.01)

    def frame(self, h):
        b, a = self.b(h)[0], self.c(h)[0]
        v = torch.zeros(88)
        for i in range(88):
            p = torch.sigmoid(b[i] + self.V[i] @ torch.sigmoid(a))
            v[i] = torch.bernoulli(p)
            a = a + v[i] * self.W[i]
        return v


def poly_run(model, phrase):
    t0 = time.perf_counter()
    quarters = math.ceil(max(off for _, off, _, _ in phrase) * TEMPO / 60)
    x = torch.zeros(1, quarters + 1, 88)
    for on, off, pitch, _ in phrase:
        for q in range(int(on * TEMPO / 60), min(quarters, math.ceil(off * TEMPO / 60))):
            x[0, q + 1, pitch - 21] = 1
    h, state = model.lstm(x)
    first = None
    for _ in range(int(SECONDS * TEMPO / 60)):
        v = model.frame(h[:, -1])
        if first is None and v.sum() > 0:
            first = time.perf_counter() - t0
        h, state = model.lstm(v.view(1, 1, 88), state)
    return first, time.perf_counter() - t0


def percentile(xs, q):
    xs = sorted(xs)
    at = q * (len(xs) - 1)
    lo = int(at)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (at - lo)


def main():
    torch.set_num_threads(2)
    torch.manual_seed(0)
    phrases = json.load(open(sys.argv[1]))
    names = sys.argv[2:] or ["poly_rnn", "performance_rnn", "music_transformer"]
    makers = {"poly_rnn": (PolyRnnNade, poly_run), "performance_rnn": (PerformanceRnn, token_model_run),
              "music_transformer": (MusicTransformer, token_model_run)}
    for name in names:
        make, run = makers[name]
        model = make().eval()
        lat, speed = [], []
        with torch.no_grad():
            run(model, phrases[0])  # warm-up
            for p in phrases:
                first, total = run(model, p)
                if first is not None:
                    lat.append(first * 1e3)
                speed.append(SECONDS / total)
        print(json.dumps({"model": name, "peer": f"torch {torch.__version__}", "parameters":
                          sum(p.numel() for p in model.parameters()), "phrases": len(lat),
                          "latency_median_ms": statistics.median(lat), "latency_p99_ms": percentile(lat, 0.99),
                          "realtime_median": statistics.median(speed), "realtime_min": min(speed)}))


if __name__ == "__main__":
    main()
