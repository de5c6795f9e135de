"""cadenza.music: MIDI round trips, notes as structured arrays, piano rolls and PNGs,
tokenizers, metrics, and one-line errors."""
import pathlib

import numpy as np
import pytest

import cadenza as cz
import cadenza.music as cm

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHORALE = ROOT / "zoo" / "bach_chorales" / "sample.mid"
FREEDOOM = sorted((ROOT / "tests" / "data" / "freedoom").glob("*.mid"))


def melody(pitches, step=120, tpq=480):
    """A monophonic line on track 0, a note every `step` ticks (16th notes by default)."""
    notes = np.zeros(len(pitches), cm.NOTE_DTYPE)
    notes["pitch"] = pitches
    notes["start"] = np.arange(len(pitches)) * step
    notes["end"] = notes["start"] + step
    notes["velocity"] = 80
    return cm.Score(notes, ticks_per_quarter=tpq)


def test_notes_are_a_structured_array_of_the_documented_fields():
    s = cm.read_midi(CHORALE)
    n = s.notes
    assert n.dtype.names == ("pitch", "start", "end", "velocity", "program", "track")
    assert len(n) == len(s) > 0
    assert (n["end"] >= n["start"]).all()
    assert set(np.unique(n["track"])) <= set(range(len(s.tracks)))


def test_notes_agree_with_mido():
    mido = pytest.importorskip("mido")
    for path in [CHORALE] + FREEDOOM[:3]:
        m = mido.MidiFile(path)
        onsets = sorted(e.note for t in m.tracks for e in t if e.type == "note_on" and e.velocity > 0)
        s = cm.read_midi(path)
        assert sorted(s.notes["pitch"].tolist()) == onsets, path
        assert s.ticks_per_quarter == m.ticks_per_beat


@pytest.mark.parametrize("path", [CHORALE] + FREEDOOM[:4], ids=lambda p: p.name)
def test_midi_file_round_trip(tmp_path, path):
    s = cm.read_midi(path)
    out = tmp_path / "out.mid"
    s.write_midi(out)
    back = cm.read_midi(out)
    assert back == s
    np.testing.assert_array_equal(back.notes, s.notes)
    assert back.tempos == s.tempos and back.time_signatures == s.time_signatures


def test_midi_bytes_round_trip():
    s = cm.read_midi(CHORALE)
    data = s.to_midi()
    assert data[:4] == b"MThd"
    assert cm.read_midi(data) == s


def test_score_from_notes_builds_tracks_and_programs(tmp_path):
    notes = np.zeros(3, cm.NOTE_DTYPE)
    notes[:] = [(60, 0, 480, 90, 0, 0), (64, 480, 960, 70, 0, 0), (36, 0, 960, 100, 33, 1)]
    s = cm.Score(notes, ticks_per_quarter=480, bpm=90)
    assert [t.program for t in s.tracks] == [0, 33]
    assert s.tempos == [(0, pytest.approx(90.0, rel=1e-6))]
    s.write_midi(tmp_path / "a.mid")
    back = cm.read_midi(tmp_path / "a.mid")
    got = np.sort(back.notes, order=["track", "start"])
    np.testing.assert_array_equal(got, np.sort(notes, order=["track", "start"]))
    # The tempo is stored in whole microseconds per quarter (666,667 at 90 BPM).
    np.testing.assert_allclose(back.seconds([0, 480, 960]), [0, 60 / 90, 120 / 90], rtol=1e-6)


def test_assigning_notes_replaces_them():
    s = melody([60, 62, 64])
    n = s.notes
    n["pitch"] += 12
    s.notes = n
    assert s.notes["pitch"].tolist() == [72, 74, 76]


def test_a_plain_structured_array_with_other_integer_types_is_taken():
    dt = np.dtype([("start", "i4"), ("end", "i4"), ("pitch", "i2"), ("velocity", "i2")])
    notes = np.array([(0, 10, 60, 1), (10, 20, 61, 127)], dt)
    s = cm.Score(notes)
    assert s.notes["pitch"].tolist() == [60, 61]
    assert s.notes["track"].tolist() == [0, 0]


@pytest.mark.parametrize("field, value, message", [
    ("pitch", 128, "pitch 128 is not in 0..127"),
    ("velocity", 0, "velocity 0 is not in 1..127"),
    ("end", -5, "must satisfy 0 <= start <= end"),
])
def test_bad_notes_raise_the_engines_message(field, value, message):
    notes = np.zeros(1, cm.NOTE_DTYPE)
    notes[0] = (60, 0, 10, 64, 0, 0)
    notes[field] = value
    with pytest.raises(cz.Error, match=message):
        cm.Score(notes)


def test_a_missing_field_is_named():
    with pytest.raises(cz.Error, match="no field 'velocity'"):
        cm.Score(np.zeros(2, [("pitch", "u1"), ("start", "i8"), ("end", "i8")]))


def test_unreadable_midi_raises_not_crashes(tmp_path):
    with pytest.raises(Exception, match="MThd"):
        cm.read_midi(b"not a midi file at all")
    with pytest.raises(Exception, match="no such file|cannot|No such"):
        cm.read_midi(tmp_path / "missing.mid")


def test_lenient_reading_warns_and_strict_raises():
    data = cm.read_midi(CHORALE).to_midi()
    cut = data[:-7]  # the last track runs past the end of the file
    with pytest.warns(UserWarning):
        s = cm.read_midi(cut)
    assert len(s) > 0
    with pytest.raises(Exception, match="byte"):
        cm.read_midi(cut, strict=True)


def test_piano_roll_array():
    s = melody([60, 62, 64])
    roll = s.piano_roll(steps_per_quarter=4)
    assert roll.dtype == np.uint8 and roll.shape == (1, 3, 128)
    assert [int(np.argmax(roll[0, t])) for t in range(3)] == [60, 62, 64]
    assert roll[0, 0, 60] == 80 and roll.sum() == 3 * 80
    assert not roll.flags.owndata  # the engine's buffer, not a copy
    sub = s.piano_roll(steps_per_quarter=4, lowest_pitch=48, num_pitches=24)
    assert sub.shape == (1, 3, 24) and sub[0, 1, 62 - 48] == 80
    onsets = s.piano_roll(steps_per_quarter=4, onsets=True)
    back = cm.Score.from_piano_roll(roll, steps_per_quarter=4, onsets=onsets)
    np.testing.assert_array_equal(back.notes[["pitch", "start", "end", "velocity"]],
                                  s.notes[["pitch", "start", "end", "velocity"]])


def test_piano_roll_bad_range():
    with pytest.raises(cz.Error, match="not within 0..127"):
        melody([60]).piano_roll(lowest_pitch=100, num_pitches=40)


def test_png_bytes_and_repr_png(tmp_path):
    s = cm.read_midi(CHORALE)
    png = s.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert s._repr_png_() == png
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 100 and height > 50
    assert int.from_bytes(s.png(pixels_per_pitch=8)[20:24], "big") > height
    s.write_png(tmp_path / "roll.png")
    assert (tmp_path / "roll.png").read_bytes() == png


@pytest.mark.parametrize("name, vocab", [("melody", 38), ("performance", 388), ("remi", 273)])
def test_tokenizer_round_trip(name, vocab):
    tok = cm.Tokenizer(name)
    assert tok.name == name and tok.vocab_size == vocab
    # Eighth notes at 120 BPM: on the 16th-note grid and on performance's 10 ms grid.
    s = melody([60, 62, 64, 65, 67, 65, 64, 62], step=240)
    tokens = tok.encode(s)
    assert tokens.dtype == np.int32 and len(tokens) > 0
    assert ((tokens >= 0) & (tokens < vocab)).all()
    decoded = tok.decode(tokens)
    assert decoded.notes["pitch"].tolist() == s.notes["pitch"].tolist()
    # Start times in quarter notes survive the grid.
    np.testing.assert_allclose(decoded.notes["start"] / decoded.ticks_per_quarter,
                               s.notes["start"] / s.ticks_per_quarter)
    np.testing.assert_array_equal(tok.encode(decoded), tokens)
    assert isinstance(tok.token_name(int(tokens[0])), str)


def test_tokenizer_names_and_errors():
    tok = cm.Tokenizer("melody")
    assert tok.token_name(2 + 60 - 48) == "NOTE_ON_60"
    with pytest.raises(Exception, match="unknown representation|neither"):
        cm.Tokenizer("no_such_representation")
    with pytest.raises(Exception, match="melody"):
        tok.decode(np.array([0, 99], np.int32))
    with pytest.raises(cz.Error, match="not in"):
        tok.token_name(38)


def test_metrics_match_their_definitions():
    s = melody([60, 64, 67, 72])
    m = cm.metrics(s)
    assert m["pitch_range"] == 12 == cm.pitch_range(s)
    assert m["n_pitch_classes_used"] == 3 == cm.n_pitch_classes_used(s)
    assert cm.n_pitches_used(s) == 4
    assert cm.pitch_entropy(s) == pytest.approx(2.0)  # four equally likely pitches
    assert cm.polyphony(s) == pytest.approx(1.0)
    assert cm.scale_consistency(s) == pytest.approx(1.0)
    assert cm.syncopation(s) == pytest.approx(0.75)  # onsets at 0, 1/4, 1/2, 3/4 of a quarter
    assert cm.note_density(s) == pytest.approx(4.0)
    assert set(cm.muspy_metrics(s)) | set(cm.musegan_metrics(s)) == set(m)
    assert set(cm.metric_units(s)) == set(m)
    hist = cm.note_length_histogram(s)
    assert sum(hist.values()) == pytest.approx(1.0)


def test_a_trio_token_packs_three_parts():
    tok = cm.Tokenizer("trio")
    assert tok.parts == [("melody", 38), ("bass", 38), ("drums", 512)]
    assert tok.vocab_size == 38 * 38 * 512
    tokens = tok.encode(cm.read_midi(CHORALE))
    assert len(tokens) > 0 and (tokens < tok.vocab_size).all()
    np.testing.assert_array_equal(tok.encode(tok.decode(tokens)), tokens)
