#pragma once
// MusicVAE attribute vectors (Roberts et al. 2018, section 5.3): the mean latent code of
// melodies high in an attribute minus that of melodies low in it; adding a multiple of it
// to a melody's code and decoding moves the melody along the attribute.
//
// Here "high" and "low" are the top and bottom quarters of a corpus's segments ranked by
// the attribute (music/metrics/attributes.h: note_density, pitch_range, syncopation), and
// the latent code of a segment is its posterior mean mu. A run directory keeps the
// vectors in DIR/attributes.safetensors: one f32 [z_size] tensor per attribute, and in
// the metadata, per attribute, the segments in each group, the two groups' mean attribute
// and (when measured) the effect: the mean attribute change per unit amount.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "models/data.h"
#include "models/latent_model.h"

namespace cadenza::models {

struct AttributeVector {
  Tensor direction;                    // f32 [z_size], on the CPU
  int64_t group_size = 0;              // segments in each of the high and low groups
  double high_mean = 0, low_mean = 0;  // the attribute's mean over each group
  double effect = NAN;                 // mean attribute change per unit amount (NAN: not measured)
};
using AttributeVectors = std::map<std::string, AttributeVector>;

std::filesystem::path attributes_path(const std::filesystem::path& run_dir);

// The segments (the model's segment_length() tokens each) of a corpus split: each piece
// cut at multiples of the segment length, in order, at most `max_segments` (0: all); a
// piece's incomplete last segment and segments without a note are left out.
std::vector<std::vector<int32_t>> corpus_segments(const LatentModel& model, const DataOptions& data, DataSplit split,
                                                  int64_t max_segments);

// The attribute of a token segment: decoded by the model's tokenizer, note density taken
// over the segment's whole length.
double segment_attribute(const LatentModel& model, const std::string& attribute, const std::vector<int32_t>& segment);

// One vector per name in `attributes` that varies over `segments` (at least 8): an
// attribute whose top and bottom quarters have the same mean gets none. Throws for an
// unknown attribute.
AttributeVectors compute_attribute_vectors(LatentModel& model, const std::vector<std::vector<int32_t>>& segments,
                                           const std::vector<std::string>& attributes);

// `segment` moved by amount x direction in latent space: decode(mu + amount * direction),
// greedily (argmax at every step), to segment_length() tokens.
std::vector<int32_t> transform_segment(LatentModel& model, const std::vector<int32_t>& segment, const Tensor& direction,
                                       double amount);

// The mean over `segments` of [attribute(transform(+amount)) - attribute(transform(0))] /
// amount: how far one unit of the vector moves the attribute.
double attribute_effect(LatentModel& model, const std::vector<std::vector<int32_t>>& segments,
                        const std::string& attribute, const Tensor& direction, double amount);

void save_attribute_vectors(const std::filesystem::path& path, const AttributeVectors& vectors);
// Errors name the file.
AttributeVectors load_attribute_vectors(const std::filesystem::path& path);

}  // namespace cadenza::models
