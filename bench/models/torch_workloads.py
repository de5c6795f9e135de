#!/usr/bin/python3
"""PyTorch's side of bench/compare: the workloads of bench_compare_workload (same names,
sizes, batches and output line), written as a PyTorch user writes them.

    /usr/bin/python3 bench/models/torch_workloads.py <workload> [--warmup N] [--reps N]

Prints one JSON line {"workload", "rate", "unit", "items_per_rep", "threads", "maxrss_mb",
"baseline_rss_mb", "peak_rss_mb", "net_peak_mb", "memory_method", "parallel_info"} (memory:
bench/models/peer_measure.py). Threads: torch.set_num_threads(--threads, else CADENZA_THREADS,
else 2); the BLAS and OpenMP pools follow their environment variables, which bench/compare
sets per workload (--tune-peer). float32, dropout off, Adam, forward + backward + optimizer step.
"""
import argparse
import json
import math
import os
import resource
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.dont_write_bytecode = True  # the helper module leaves no cache in the source tree
import peer_measure  # noqa: E402

# The table's sizes (as in compare_workloads.cpp).
LSTM_VOCAB, LSTM_EMBED, LSTM_HIDDEN, LSTM_LAYERS, LSTM_BATCH, LSTM_LENGTH = 390, 256, 512, 2, 32, 128
TF_VOCAB, TF_LAYERS, TF_MODEL, TF_HEADS, TF_FF, TF_BATCH, TF_LENGTH = 388, 4, 256, 8, 1024, 16, 256
SAMPLE_TOKENS = 256
VAE_BATCH, GAN_BATCH = 64, 16


def time_reps(args, rep):
    """(median seconds per rep, memory report); the model is built: this is the baseline."""
    return peer_measure.time_reps(args.warmup, args.reps, rep)


def adam_step(model, loss_fn, lr=1e-3, betas=(0.9, 0.999)):
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=betas)

    def rep():
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
    return rep


class LstmLm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(LSTM_VOCAB, LSTM_EMBED)
        self.lstm = nn.LSTM(LSTM_EMBED, LSTM_HIDDEN, LSTM_LAYERS, batch_first=True)
        self.output = nn.Linear(LSTM_HIDDEN, LSTM_VOCAB)

    def forward(self, tokens, state=None):
        h, state = self.lstm(self.embedding(tokens), state)
        return self.output(h), state


def lstm_lm_train(args):
    lm = LstmLm()
    x = torch.randint(0, LSTM_VOCAB, (LSTM_BATCH, LSTM_LENGTH))
    y = torch.randint(0, LSTM_VOCAB, (LSTM_BATCH, LSTM_LENGTH))
    rep = adam_step(lm, lambda: F.cross_entropy(lm(x)[0].reshape(-1, LSTM_VOCAB), y.reshape(-1)))
    return time_reps(args, rep), LSTM_BATCH * LSTM_LENGTH, "tokens/s"


def lstm_sample(args):
    lm = LstmLm().eval()

    @torch.no_grad()
    def rep():
        token, state = torch.zeros(1, 1, dtype=torch.long), None
        for _ in range(SAMPLE_TOKENS):
            logits, state = lm(token, state)
            token = torch.multinomial(F.softmax(logits[:, -1], -1), 1)
    return time_reps(args, rep), SAMPLE_TOKENS, "tokens/s"


class TransformerLm(nn.Module):
    """Pre-norm decoder-only LM as users write it with nn.TransformerEncoder + a causal mask."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(TF_VOCAB, TF_MODEL)
        layer = nn.TransformerEncoderLayer(TF_MODEL, TF_HEADS, TF_FF, dropout=0.0, batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, TF_LAYERS, norm=nn.LayerNorm(TF_MODEL),
                                            enable_nested_tensor=False)
        self.output = nn.Linear(TF_MODEL, TF_VOCAB)

    def forward(self, tokens):
        L = tokens.size(1)
        mask = torch.triu(torch.full((L, L), float("-inf")), diagonal=1)
        h = self.blocks(self.embedding(tokens) * math.sqrt(TF_MODEL), mask=mask)
        return self.output(h)


def transformer_lm_train(args):
    m = TransformerLm()
    x = torch.randint(0, TF_VOCAB, (TF_BATCH, TF_LENGTH))
    y = torch.randint(0, TF_VOCAB, (TF_BATCH, TF_LENGTH))
    rep = adam_step(m, lambda: F.cross_entropy(m(x).reshape(-1, TF_VOCAB), y.reshape(-1)))
    return time_reps(args, rep), TF_BATCH * TF_LENGTH, "tokens/s"


def transformer_sample_uncached(args):
    m = TransformerLm().eval()

    @torch.no_grad()
    def rep():
        seq = torch.zeros(1, 1, dtype=torch.long)
        for _ in range(SAMPLE_TOKENS):  # no cache: the whole prefix again for every token
            logits = m(seq)[:, -1]
            seq = torch.cat([seq, torch.multinomial(F.softmax(logits, -1), 1)], 1)
    return time_reps(args, rep), SAMPLE_TOKENS, "tokens/s"


class KvCache:
    """Each layer's keys and values, one row written per token (Hugging Face's
    past_key_values, preallocated as its static cache so appending copies nothing)."""

    def __init__(self, length):
        shape = (TF_LAYERS, 1, TF_HEADS, length, TF_MODEL // TF_HEADS)
        self.keys, self.values, self.length = torch.empty(shape), torch.empty(shape), 0


def cached_step(m, token, cache):
    """Logits [1, V] of the next token after `token` [1, 1], through the weights of m's
    nn.TransformerEncoderLayers (pre-norm, ReLU): the new position's query attends to the
    cached keys and values of every earlier one, which needs no causal mask."""
    H, dh, t = TF_HEADS, TF_MODEL // TF_HEADS, cache.length
    x = m.embedding(token) * math.sqrt(TF_MODEL)
    for i, layer in enumerate(m.blocks.layers):
        attn = layer.self_attn
        q, k, v = F.linear(layer.norm1(x), attn.in_proj_weight, attn.in_proj_bias).view(1, 3, H, 1, dh).unbind(1)
        cache.keys[i, :, :, t:t + 1] = k
        cache.values[i, :, :, t:t + 1] = v
        keys, values = cache.keys[i, :, :, :t + 1], cache.values[i, :, :, :t + 1]
        weights = F.softmax(q @ keys.transpose(-1, -2) / math.sqrt(dh), -1)
        x = x + attn.out_proj((weights @ values).reshape(1, 1, TF_MODEL))
        x = x + layer.linear2(F.relu(layer.linear1(layer.norm2(x))))
    cache.length = t + 1
    return m.output(m.blocks.norm(x))[:, -1]


def check_cached(m, tokens=8):
    """The cached step's logits equal the whole-prefix forward's at every position."""
    seq = torch.randint(0, TF_VOCAB, (1, tokens))
    cache = KvCache(tokens)
    with torch.no_grad():
        full = m(seq)[0]
        for t in range(tokens):
            step = cached_step(m, seq[:, t:t + 1], cache)[0]
            if not torch.allclose(step, full[t], rtol=1e-4, atol=1e-4):
                diff = (step - full[t]).abs().max().item()
                raise RuntimeError(f"cached Transformer step differs from the full forward at position {t} ({diff})")


def transformer_sample(args):
    m = TransformerLm().eval()
    check_cached(m)

    @torch.no_grad()
    def rep():
        token, cache = torch.zeros(1, 1, dtype=torch.long), KvCache(SAMPLE_TOKENS)
        for _ in range(SAMPLE_TOKENS):
            logits = cached_step(m, token, cache)
            token = torch.multinomial(F.softmax(logits, -1), 1)
    return time_reps(args, rep), SAMPLE_TOKENS, "tokens/s"


class MusicVae(nn.Module):
    """models/vae music_vae "small" (flat decoder, teacher forcing): biLSTM 128 encoder on
    one-hot melody tokens (38), z 32, decoder 2 x 128 LSTM started from tanh(dense(z)) with z
    concatenated to every input; loss = per-token NLL + beta * KL / tokens."""

    V, ENC, Z, DEC, LAYERS, T = 38, 128, 32, 128, 2, 32

    def __init__(self):
        super().__init__()
        self.encoder = nn.LSTM(self.V, self.ENC, batch_first=True, bidirectional=True)
        self.mu = nn.Linear(2 * self.ENC, self.Z)
        self.sigma = nn.Linear(2 * self.ENC, self.Z)
        self.init = nn.Linear(self.Z, 2 * self.LAYERS * self.DEC)
        self.decoder = nn.LSTM(self.V + self.Z, self.DEC, self.LAYERS, batch_first=True)
        self.output = nn.Linear(self.DEC, self.V)
        self.step = 0

    def loss(self, targets):
        B = targets.size(0)
        x = F.one_hot(targets, self.V).float()
        _, (h, _) = self.encoder(x)
        h = torch.cat([h[-2], h[-1]], 1)
        mu, sigma = self.mu(h), F.softplus(self.sigma(h))
        z = mu + sigma * torch.randn_like(mu)
        s = torch.tanh(self.init(z)).reshape(B, 2, self.LAYERS, self.DEC).permute(1, 2, 0, 3)
        prev = F.pad(x[:, :-1], (0, 0, 1, 0))
        out, _ = self.decoder(torch.cat([prev, z.unsqueeze(1).expand(B, self.T, self.Z)], 2),
                              (s[0].contiguous(), s[1].contiguous()))
        nll = F.cross_entropy(self.output(out).reshape(-1, self.V), targets.reshape(-1))
        kl = torch.distributions.kl_divergence(torch.distributions.Normal(mu, sigma),
                                               torch.distributions.Normal(0.0, 1.0)).sum(1)
        self.step += 1
        beta = (1 - 0.999 ** self.step) * 0.5
        return nll + beta * torch.clamp(kl, min=0).sum() / targets.numel()


def music_vae_train(args):
    m = MusicVae()
    y = torch.randint(0, MusicVae.V, (VAE_BATCH, MusicVae.T))
    return time_reps(args, adam_step(m, lambda: m.loss(y))), VAE_BATCH, "examples/s"


class Temporal(nn.Module):
    def __init__(self, z, hidden, bars):
        super().__init__()
        self.z, self.bars = z, bars
        self.net = nn.Sequential(nn.Linear(z, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Linear(hidden, bars * z))

    def forward(self, z):
        return self.net(z).reshape(z.size(0), self.bars, self.z)


class BarGenerator(nn.Module):
    def __init__(self, inp, c, steps, pitches, out):
        super().__init__()
        self.c, self.t0, self.p0 = c, steps // 16, pitches // 12
        self.dense = nn.Linear(inp, c * self.t0 * self.p0)
        self.net = nn.Sequential(
            nn.BatchNorm2d(c), nn.ReLU(),
            nn.ConvTranspose2d(c, c // 2, (4, 1), (4, 1)), nn.BatchNorm2d(c // 2), nn.ReLU(),
            nn.ConvTranspose2d(c // 2, c // 4, (4, 1), (4, 1)), nn.BatchNorm2d(c // 4), nn.ReLU(),
            nn.ConvTranspose2d(c // 4, out, (1, 12), (1, 12)), nn.Sigmoid())

    def forward(self, z):
        return self.net(self.dense(z).reshape(z.size(0), self.c, self.t0, self.p0))


class MuseGan(nn.Module):
    """models/gan musegan "small": hybrid mode, 5 tracks x 4 bars x 48 steps x 84 pitches,
    z 16 per part, generator channels 32, critic channels 16, temporal hidden 32."""

    M, BARS, S, P, Z, GC, DC, TH = 5, 4, 48, 84, 16, 32, 16, 32

    def __init__(self):
        super().__init__()
        M, Z = self.M, self.Z
        self.temporal = Temporal(Z, self.TH, self.BARS)
        self.temporals = nn.ModuleList(Temporal(Z, self.TH, self.BARS) for _ in range(M))
        self.generators = nn.ModuleList(BarGenerator(4 * Z, self.GC, self.S, self.P, 1) for _ in range(M))
        C = self.DC
        self.critic_net = nn.Sequential(
            nn.Conv3d(M, C, (1, 1, 12), (1, 1, 12)), nn.LeakyReLU(0.2),
            nn.Conv3d(C, C, (1, 4, 1), (1, 4, 1)), nn.LeakyReLU(0.2),
            nn.Conv3d(C, 2 * C, (1, 4, 1), (1, 4, 1)), nn.LeakyReLU(0.2), nn.Flatten(),
            nn.Linear(2 * C * self.BARS * (self.S // 16) * (self.P // 12), 1))

    def generate(self, B):
        M, Z, bars = self.M, self.Z, self.BARS
        per_bar = lambda z: z.unsqueeze(1).expand(B, bars, Z)
        shared = [per_bar(torch.randn(B, Z)), self.temporal(torch.randn(B, Z))]
        zp, zpt = torch.randn(B, M, Z), torch.randn(B, M, Z)
        tracks = []
        for i in range(M):
            lat = torch.cat(shared + [per_bar(zp[:, i]), self.temporals[i](zpt[:, i])], 2)
            x = self.generators[i](lat.reshape(B * bars, -1))
            tracks.append(x.reshape(B, bars, 1, self.S, self.P).permute(0, 2, 1, 3, 4))
        return torch.cat(tracks, 1)

    def critic(self, x):
        return self.critic_net(x).squeeze(1)

    def critic_loss(self, real):
        B = real.size(0)
        with torch.no_grad():
            fake = self.generate(B)
        e = torch.rand(B).reshape(B, 1, 1, 1, 1)
        x = (e * real + (1 - e) * fake).requires_grad_(True)
        g = torch.autograd.grad(self.critic(x).sum(), x, create_graph=True)[0]
        gp = ((g.flatten(1).norm(dim=1) - 1) ** 2).mean()
        return self.critic(fake).mean() - self.critic(real).mean() + 10 * gp


def musegan_train(args):
    m = MuseGan()
    g_params = [p for n, p in m.named_parameters() if not n.startswith("critic")]
    d_opt = torch.optim.Adam(m.critic_net.parameters(), lr=1e-3, betas=(0.5, 0.9))
    g_opt = torch.optim.Adam(g_params, lr=1e-3, betas=(0.5, 0.9))
    real = [(torch.rand(GAN_BATCH, m.M, m.BARS, m.S, m.P) > 0.9).float() for _ in range(5)]

    def rep():  # models/gan/gan_step.cpp: 5 critic updates, then one generator update
        for i in range(5):
            d_opt.zero_grad()
            m.critic_loss(real[i]).backward()
            d_opt.step()
        g_opt.zero_grad()
        (-m.critic(m.generate(GAN_BATCH)).mean()).backward()
        g_opt.step()
    return time_reps(args, rep), GAN_BATCH, "examples/s"


WORKLOADS = {
    "lstm_lm_train": lstm_lm_train,
    "transformer_lm_train": transformer_lm_train,
    # PyTorch has no bf16 LSTM path users would reach for: both rows are measured against f32.
    "lstm_sample_f32": lstm_sample,
    "lstm_sample_bf16": lstm_sample,
    "transformer_sample": transformer_sample,
    "transformer_sample_uncached": transformer_sample_uncached,
    "music_vae_train": music_vae_train,
    "musegan_train": musegan_train,
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload", choices=sorted(WORKLOADS))
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--threads", type=int, help="torch.set_num_threads (default: CADENZA_THREADS, else 2)")
    args = p.parse_args()
    torch.set_num_threads(args.threads or int(os.environ.get("CADENZA_THREADS", "2")))
    torch.manual_seed(1)
    (seconds, memory), items, unit = WORKLOADS[args.workload](args)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"workload": args.workload, "rate": items / seconds, "unit": unit, "items_per_rep": items,
                      "threads": torch.get_num_threads(), "maxrss_mb": rss, **memory,
                      "parallel_info": torch.__config__.parallel_info()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
