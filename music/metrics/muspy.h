// Score-level metrics in the style of MusPy (Dong, Chen, Dong & McAuley, "MusPy: A Toolkit
// for Symbolic Music Generation", ISMIR 2020; salu133445/muspy, muspy/metrics/metrics.py),
// computed on note lists in ticks (no roll is built, so any length is cheap). Drum tracks
// are left out of every pitch metric. Sources of each metric are given by MusPy and
// repeated here; where MusPy's code differs, it is said.
#pragma once

#include "music/score/score.h"

namespace cadenza::music::metrics {

// Highest minus lowest pitch, in semitones (0 with no note). MusPy's pitch_range also
// counts drum notes; this one does not (a drum "pitch" is an instrument).
int pitch_range(const Score& score);

// Number of distinct pitches / pitch classes used (0..128 / 0..12).
int n_pitches_used(const Score& score);
int n_pitch_classes_used(const Score& score);

// Shannon entropy of the normalised pitch / pitch-class histogram of note onsets, in
// bits: H = -sum_i P(i) log2 P(i). 0 with no note. (Wu & Yang 2020, Jazz Transformer.)
double pitch_entropy(const Score& score);
double pitch_class_entropy(const Score& score);

// Polyphony: the mean number of pitches sounding, over the time during which at least
// one sounds (a time-weighted mean in ticks). Unit: pitches. (MusPy.)
double polyphony(const Score& score);

// Polyphony rate: the fraction of time, from 0 to the last note end, during which more
// than `threshold` pitches sound. In [0, 1]. (Mogren 2016, C-RNN-GAN; MusPy default 2.)
double polyphony_rate(const Score& score, int threshold = 2);

// Scale consistency: the largest fraction of notes whose pitch class is in a scale, over
// the 12 major and 12 natural minor scales. In [0, 1]. (Mogren 2016; MusPy.)
double scale_consistency(const Score& score);

// Empty-beat rate: (beats in which no note, drums included, sounds) / (beats up to the
// last note end), beats being quarter notes [k tpq, (k + 1) tpq). In [0, 1].
// (Dong et al. 2018, Pypianoroll; MusPy.) Published versions of MusPy's code mark the
// beats that HAVE notes and return their share, i.e. 1 - this (inverted), and also mark
// the beat a note ends on even when it ends exactly on the boundary.
double empty_beat_rate(const Score& score);

// Groove consistency: 1 - mean over adjacent bars of hamming(G_i, G_i+1) / steps_per_bar,
// G_i the binary onset vector of bar i on a grid of `steps_per_quarter` (all tracks,
// drums included). Bars follow the first time signature (4/4 if none). In [0, 1];
// 1 with fewer than two bars. (Wu & Yang 2020; MusPy.)
double groove_consistency(const Score& score, int steps_per_quarter = 4);

}  // namespace cadenza::music::metrics
