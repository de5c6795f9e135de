"""The peer of bench_midi_read: read every .mid of a folder with mido and pair its notes
(FIFO per track, channel and key; a velocity-0 note_on is a note-off; notes still
sounding at the end of a track end there). Prints one JSON line: the best time of
`repeat` passes in seconds and the number of notes."""
import json
import os
import sys
import time
from collections import defaultdict, deque

import mido


def notes_of(path):
    count = 0
    for track in mido.MidiFile(path).tracks:
        tick = 0
        sounding = defaultdict(deque)
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                sounding[(msg.channel, msg.note)].append(tick)
            elif msg.type in ("note_off", "note_on"):
                queue = sounding[(msg.channel, msg.note)]
                if queue:
                    queue.popleft()
                    count += 1
        count += sum(len(q) for q in sounding.values())
    return count


def main():
    folder, repeat = sys.argv[1], int(sys.argv[2])
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(".mid"))
    best, notes = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        notes = sum(notes_of(f) for f in files)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "notes": notes, "files": len(files)}))


if __name__ == "__main__":
    main()
