"""Music: MIDI files as scores, representations and tokenizers, metrics, piano rolls.

A Score's notes are a NumPy structured array (``NOTE_DTYPE``: pitch, start, end, velocity,
program, track). Times are ticks at ``score.ticks_per_quarter`` (as in the engine's music
module); ``score.seconds(ticks)`` converts through the tempo map. In a notebook a Score
shows itself as its piano roll (``_repr_png_``)::

    import cadenza.music as cm
    s = cm.read_midi("bach.mid")
    s.notes["pitch"].mean(), s.piano_roll(steps_per_quarter=4).shape
    tokens = cm.Tokenizer("remi").encode(s)
    cm.metrics(s)["pitch_class_entropy"]
"""
from ._cadenza._music import (  # noqa: F401
    NOTE_DTYPE, Score, Tokenizer, Track, empty_beat_rate, groove_consistency, metric_units, metrics,
    musegan_metrics, muspy_metrics, n_pitch_classes_used, n_pitches_used, note_density,
    note_length_histogram, pitch_class_entropy, pitch_entropy, pitch_range, polyphony, polyphony_rate,
    read_midi, scale_consistency, syncopation, write_midi)

__all__ = ["NOTE_DTYPE", "Score", "Track", "Tokenizer", "read_midi", "write_midi", "metrics",
           "muspy_metrics", "musegan_metrics", "metric_units", "pitch_range", "n_pitches_used",
           "n_pitch_classes_used", "pitch_entropy", "pitch_class_entropy", "polyphony",
           "polyphony_rate", "scale_consistency", "empty_beat_rate", "groove_consistency",
           "note_density", "syncopation", "note_length_histogram"]
