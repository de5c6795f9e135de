#!/usr/bin/python3
"""Writes chorale N of a split of Jsb16thSeparated.json as MIDI, for the harmonisation
results in docs/RESULTS.md: OUT_satb.mid (four tracks, soprano to bass: Bach's own
voices) and OUT_soprano.mid (the soprano alone, what `cadenza harmonize` is given).

The file holds one [soprano, alto, tenor, bass] pitch list per 16th note (-1: silent); a
pitch repeated on consecutive steps is one held note, as models/deepbach/chorale_grid.h
reads it without hold marks. 120 BPM, 480 ticks per quarter.

usage: /usr/bin/python3 scripts/jsb_chorale_midi.py CORPUS.json SPLIT N OUT_PREFIX
"""
import json
import sys

import mido

TICKS_PER_STEP = 120  # 480 per quarter, 4 steps per quarter
NAMES = ["Soprano", "Alto", "Tenor", "Bass"]


def voice_notes(steps, voice):
    notes, start, pitch = [], 0, -1
    for i, step in enumerate(steps + [[-1] * 4]):
        p = int(step[voice])
        if p != pitch:
            if pitch >= 0:
                notes.append((start, i, pitch))
            start, pitch = i, p
    return notes


def track(name, channel, notes):
    t = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0)])
    events = []
    for start, end, pitch in notes:
        events.append((start * TICKS_PER_STEP, 1, mido.Message("note_on", channel=channel, note=pitch, velocity=80)))
        events.append((end * TICKS_PER_STEP, 0, mido.Message("note_off", channel=channel, note=pitch, velocity=0)))
    now = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        t.append(msg.copy(time=tick - now))
        now = tick
    return t


def write(path, voices, steps):
    mid = mido.MidiFile(ticks_per_beat=480)
    meta = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000, time=0)])
    mid.tracks.append(meta)
    for v in voices:
        mid.tracks.append(track(NAMES[v], v, voice_notes(steps, v)))
    mid.save(path)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    corpus, split, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with open(corpus) as f:
        steps = json.load(f)[split][n]
    write(out + "_satb.mid", range(4), steps)
    write(out + "_soprano.mid", [0], steps)


if __name__ == "__main__":
    main()
