#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora into fuzz/seeds/<target>/: a few small, valid inputs
that reach the readers' main paths (every dtype, every split, running status, SysEx, meta
events, drums), from which libFuzzer mutates. Deterministic: run it again and git shows
no change. Usage: python3 fuzz/make_seeds.py"""
import json
import os
import struct

ROOT = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(ROOT, "seeds", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# --- MIDI -----------------------------------------------------------------------------
def vlq(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def track(events):
    body = b"".join(vlq(dt) + ev for dt, ev in events)
    return b"MTrk" + struct.pack(">I", len(body)) + body


def smf(fmt, division, tracks):
    return b"MThd" + struct.pack(">IHHH", 6, fmt, len(tracks), division) + b"".join(tracks)


EOT = (0, b"\xff\x2f\x00")
tempo = (0, b"\xff\x51\x03\x07\xa1\x20")           # 500000 us per quarter
time_sig = (0, b"\xff\x58\x04\x03\x02\x18\x08")     # 3/4
key_sig = (0, b"\xff\x59\x02\xfe\x01")              # Bb minor

# Format 0: program change, a chord with running status, note-on velocity 0 as note-off,
# a controller and a pitch bend.
write("midi_reader", "format0-running-status.mid", smf(0, 96, [track([
    tempo, time_sig, key_sig,
    (0, b"\xc0\x00"), (0, b"\x90\x3c\x50"), (0, b"\x40\x50"), (0, b"\x43\x50"),
    (48, b"\xb0\x40\x7f"), (48, b"\xe0\x00\x40"),
    (0, b"\x90\x3c\x00"), (0, b"\x40\x00"), (0, b"\x43\x00"), EOT])]))

# Format 1: conductor track with a tempo change and text, a melody with note-offs, drums
# on channel 10, a SysEx message.
write("midi_reader", "format1-three-tracks.mid", smf(1, 480, [
    track([(0, b"\xff\x03\x05Piece"), tempo, (960, b"\xff\x51\x03\x0f\x42\x40"), EOT]),
    track([(0, b"\xff\x03\x05Voice"), (0, b"\xf0\x05\x7e\x7f\x09\x01\xf7"),
           (0, b"\x91\x48\x64"), (480, b"\x81\x48\x40"), (0, b"\x91\x4a\x64"), (480, b"\x81\x4a\x40"), EOT]),
    track([(0, b"\x99\x24\x7f"), (120, b"\x89\x24\x00"), (0, b"\x99\x26\x7f"), (120, b"\x89\x26\x00"), EOT]),
]))

# SMPTE division (25 fps, 40 ticks per frame) and a track without End-of-Track whose
# length overstates its data: the lenient reader recovers, the strict one refuses.
write("midi_reader", "smpte-truncated.mid",
      b"MThd" + struct.pack(">IHHH", 6, 1, 1, 0xE728) + b"MTrk" + struct.pack(">I", 64) +
      vlq(0) + b"\x90\x3c\x40" + vlq(40) + b"\x80\x3c\x40")

# --- JSON piano roll ------------------------------------------------------------------
write("json_roll", "splits-floats-silent.json", json.dumps({
    "train": [[[60, 64, 67], [60, 64, 67], [62.0], []], [[48, 48, -1, 55]]],
    "valid": [[[21], [108], [21, 108]]],
    "test": [[]],
}).encode())
with open(os.path.join(ROOT, "..", "data", "jsb-chorales-quarter.json")) as f:
    jsb = json.load(f)
write("json_roll", "jsb-excerpt.json",
      json.dumps({split: [jsb[split][0][:12]] for split in ("train", "valid", "test")}).encode())
write("json_roll", "test-only.json", b'{"test": [[[0, 127], [], [36.4, 36.6]]]}')

# --- safetensors ----------------------------------------------------------------------
def safetensors(tensors, metadata=None):
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data


write("safetensors", "f32-metadata.safetensors", safetensors(
    {"weight": ("F32", [2, 3], struct.pack("<6f", 1, -2, 0.5, 3, 0, 1e-3))}, {"format": "pt", "step": "12"}))
write("safetensors", "every-dtype.safetensors", safetensors({
    "bias": ("F64", [3], struct.pack("<3d", 0.25, -1, 7)),
    "count": ("I64", [], struct.pack("<q", 42)),
    "empty": ("F32", [0, 4], b""),
    "index": ("I32", [2, 2], struct.pack("<4i", 1, -1, 2, 3)),
}))
with open(os.path.join(ROOT, "..", "tests", "fixtures", "vae_loss.safetensors"), "rb") as f:
    write("safetensors", "torch-written.safetensors", f.read())
