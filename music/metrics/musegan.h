// MuseGAN objective metrics (Dong, Hsiao, Yang & Yang, "MuseGAN: Multi-track Sequential
// Generative Adversarial Networks for Symbolic Music Generation and Accompaniment",
// AAAI 2018, section "Objective metrics"), on one track of a PianoRoll (a cell sounds
// when its velocity is > 0). Where the authors' code (salu133445/musegan,
// src/musegan/metrics.py) computes something else than the paper, the paper wins here
// and the difference is stated, so published numbers can be compared knowingly.
#pragma once

#include "music/repr/piano_roll.h"

namespace cadenza::music::metrics {

// EB, empty bars: (number of bars of `track` with no sounding cell) / (number of bars).
// A ratio in [0, 1] (the paper prints it in %). Bars are `steps_per_bar` steps; a last
// partial bar counts. The published code's empty_bar_rate returns the ratio of
// NON-empty bars (it averages reduce_any(x > 0.5)): 1 - EB.
double empty_bar_rate(const repr::PianoRoll& roll, size_t track, int steps_per_bar);

// UPC, used pitch classes: mean over non-empty bars of the number of distinct pitch
// classes sounding in the bar, in 0..12. (Empty bars are left out so that EB and UPC do
// not measure the same thing twice; the paper does not say.) The published code's
// n_pitch_classes_used sums, over the bar's time steps, the number of active pitch
// classes per step: a count of (step, class) cells, not of classes.
double used_pitch_classes(const repr::PianoRoll& roll, size_t track, int steps_per_bar);

// QN, qualified note rate: (notes lasting >= min_steps steps) / (notes), in [0, 1]. A
// note is a run of sounding cells of one pitch, split at onsets when the roll has them.
// The paper uses 3 steps at 24 steps per beat (a 32nd note): use
// qualified_min_steps(steps_per_quarter). The published code's default threshold is 2
// steps, so its QN counts notes of 2 steps (a 48th-note triplet) as qualified.
double qualified_note_rate(const repr::PianoRoll& roll, size_t track, int min_steps);
int qualified_min_steps(int steps_per_quarter);  // a 32nd note rounded up, at least 1 step

// DP, drum pattern: the share of drum onsets on the 16th-note grid, with onsets one step
// off the grid counting `tolerance`: DP = sum_notes w(position) / notes, w = 1 on the
// grid, tolerance one step either side, 0 elsewhere. This is the published mask
// ([1, .1, 0, 0, 0, .1] per 16th at 24 steps per quarter) for any steps_per_quarter that
// is a multiple of 4; the published code weights sounding cells, not onsets (the same
// for 1-step drum hits). In [0, 1].
double drum_pattern_rate(const repr::PianoRoll& roll, size_t drum_track, double tolerance = 0.1);

// TD, tonal distance (Harte, Sandler & Gasser 2006): per beat, each track's chroma
// (sounding cells per pitch class, L1-normalised) is mapped to the 6-D tonal centroid
// (fifths, minor thirds, major thirds circles; radii 1, 1, 0.5), and TD is the mean
// Euclidean distance between the two tracks' centroids over the beats where both sound.
// Unitless, >= 0; lower = more harmonically related. Returns 0 with no such beat.
double tonal_distance(const repr::PianoRoll& roll, size_t track_a, size_t track_b, int steps_per_beat);

}  // namespace cadenza::music::metrics
