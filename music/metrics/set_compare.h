// A set of pieces measured against a reference set, feature by feature, MGEval's way
// (mgeval.h): for each feature, the reference's and the set's mean and standard
// deviation over pieces, and the overlap area (OA) and KL divergence (KLD) between the
// reference's intra-set distances and the reference-to-set distances.
//
// The features of a piece (measure_set):
//  - the MusPy-style metrics of report.h (muspy_metrics), always;
//  - MuseGAN's metrics (musegan_metrics) when every piece of both sets is multitrack (two
//    or more of MuseGAN's melodic tracks play); drum_pattern_rate only when every piece
//    has drums too;
//  - the note-length histogram (note_length.h), a 12-vector compared by Euclidean
//    distance, as MGEval compares its histograms;
//  - when every piece of both sets has four tracks (SATB chorales), the voice-leading
//    rates of voice_leading.h per voice pair and per beat.
#pragma once

#include <string>
#include <vector>

#include "music/metrics/mgeval.h"
#include "music/metrics/voice_leading.h"
#include "music/score/score.h"

namespace cadenza::music::metrics {

struct FeatureOptions {
  bool musegan = false;        // MuseGAN's metrics
  bool drums = false;          // and its drum pattern rate
  bool voice_leading = false;  // parallel fifths / octaves and crossings
};

// What both sets allow (see the top of this file). Empty sets allow everything.
FeatureOptions common_features(const std::vector<const std::vector<Score>*>& sets);

struct Feature {
  std::string name;
  std::string unit;
  std::vector<std::string> bins;  // a histogram's bin names; empty for a scalar
};

// The features of every piece of a set: values[f][piece] is feature f's vector (one
// value for a scalar).
struct SetFeatures {
  std::vector<Feature> features;
  std::vector<std::vector<std::vector<double>>> values;
  VoiceLeading voice_leading;  // pooled over the pieces, when measured
  size_t pieces = 0;
};

SetFeatures measure_set(const std::vector<Score>& pieces, const FeatureOptions& options);

struct FeatureComparison {
  Feature feature;
  std::vector<double> reference_mean, reference_sd, set_mean, set_sd;  // per component
  SetComparison distance;                                              // OA and KLD
};

// Feature by feature (both measured with the same options); needs >= 2 reference pieces
// and >= 1 piece in the set.
std::vector<FeatureComparison> compare_sets(const SetFeatures& reference, const SetFeatures& set);

// The mean OA and KLD over features, a one-line summary of a comparison.
SetComparison mean_distance(const std::vector<FeatureComparison>& rows);

}  // namespace cadenza::music::metrics
