// cadenza.music's tokenizers (melody, performance, REMI, trio, BPE files) and metrics
// (MusPy-style and MuseGAN, the attributes), over the Score bound in music_score.cpp.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include "engine/error.h"
#include "music/metrics/attributes.h"
#include "music/metrics/muspy.h"
#include "music/metrics/note_length.h"
#include "music/metrics/report.h"
#include "music/repr/tokenizer.h"
#include "music/repr/tokenizer_spec.h"
#include "python/src/bindings.h"

namespace cadenza::python {
namespace {

using music::Score;
using music::repr::Tokenizer;

using Tokens = py::array_t<int32_t, py::array::c_style | py::array::forcecast>;

py::array_t<int32_t> tokens_array(std::vector<int32_t>&& tokens) {
  auto* owned = new std::vector<int32_t>(std::move(tokens));
  py::capsule base(owned, [](void* p) { delete static_cast<std::vector<int32_t>*>(p); });
  return py::array_t<int32_t>(static_cast<py::ssize_t>(owned->size()), owned->data(), base);
}

std::span<const int32_t> token_span(const Tokens& tokens) {
  CADENZA_CHECK(tokens.ndim() == 1, "tokens must be one-dimensional, not {}-dimensional", tokens.ndim());
  return {tokens.data(), static_cast<size_t>(tokens.size())};
}

py::dict as_dict(const std::vector<music::metrics::MetricValue>& table) {
  py::dict out;
  for (const auto& m : table) out[py::str(m.name)] = m.value;
  return out;
}

void bind_tokenizer(py::module_& m) {
  py::class_<Tokenizer, std::shared_ptr<Tokenizer>>(
      m, "Tokenizer", "A music representation: Score to token ids and back (melody, performance, remi, trio, or BPE).")
      .def(py::init([](const std::string& name_or_path) {
             return std::shared_ptr<Tokenizer>(music::repr::load_tokenizer(name_or_path));
           }),
           py::arg("name"),
           "A built-in representation by name (melody, performance, remi, trio) or a BPE file made by `cadenza "
           "tokenizer train`")
      .def_property_readonly("name", &Tokenizer::name)
      .def_property_readonly("vocab_size", &Tokenizer::vocab_size)
      .def_property_readonly(
          "parts",
          [](const Tokenizer& t) {
            std::vector<std::pair<std::string, int32_t>> out;
            for (const auto& p : t.parts()) out.emplace_back(p.name, p.classes);
            return out;
          },
          "[(part name, classes)]: the parts a token packs (one for all but trio)")
      .def(
          "encode", [](const Tokenizer& t, const Score& s) { return tokens_array(t.encode(s)); }, py::arg("score"),
          "The score's tokens, an int32 array")
      .def(
          "decode", [](const Tokenizer& t, const Tokens& tokens) { return t.decode(token_span(tokens)); },
          py::arg("tokens"), "The Score of a token sequence; an id outside [0, vocab_size) raises")
      .def(
          "token_name",
          [](const Tokenizer& t, int32_t token) {
            CADENZA_CHECK(token >= 0 && token < t.vocab_size(), "{}: token {} is not in [0, {})", t.name(), token,
                          t.vocab_size());
            return t.token_name(token);
          },
          py::arg("token"), "A token's name, e.g. NOTE_ON_60")
      .def("__repr__",
           [](const Tokenizer& t) { return fmt::format("Tokenizer('{}', vocab_size={})", t.name(), t.vocab_size()); });
}

void bind_metrics(py::module_& m) {
  namespace mt = music::metrics;
  m.def(
      "metrics", [](const Score& s) { return as_dict(mt::score_metrics(s)); }, py::arg("score"),
      "The metric table of `cadenza eval --metrics`: MusPy-style metrics of the notes, then MuseGAN's on the "
      "score's 5-track roll, as {name: value}");
  m.def(
      "muspy_metrics", [](const Score& s) { return as_dict(mt::muspy_metrics(s)); }, py::arg("score"),
      "The MusPy-style metrics alone, as {name: value}");
  m.def(
      "musegan_metrics", [](const Score& s) { return as_dict(mt::musegan_metrics(s)); }, py::arg("score"),
      "MuseGAN's EB, UPC, QN, DP and TD on the score's 5-track roll, as {name: value}");
  m.def(
      "metric_units",
      [](const Score& s) {
        py::dict out;
        for (const auto& v : mt::score_metrics(s)) out[py::str(v.name)] = v.unit;
        return out;
      },
      py::arg("score"), "The unit of each metric of metrics(score), as {name: unit}");
  m.def("pitch_range", &mt::pitch_range, py::arg("score"), "Highest minus lowest pitch in semitones (drums left out)");
  m.def("n_pitches_used", &mt::n_pitches_used, py::arg("score"), "Distinct pitches used");
  m.def("n_pitch_classes_used", &mt::n_pitch_classes_used, py::arg("score"), "Distinct pitch classes used");
  m.def("pitch_entropy", &mt::pitch_entropy, py::arg("score"), "Entropy of the pitch histogram, in bits");
  m.def("pitch_class_entropy", &mt::pitch_class_entropy, py::arg("score"),
        "Entropy of the pitch-class histogram, in bits");
  m.def("polyphony", &mt::polyphony, py::arg("score"), "Mean pitches sounding while any sounds");
  m.def("polyphony_rate", &mt::polyphony_rate, py::arg("score"), py::arg("threshold") = 2,
        "Share of time with more than `threshold` pitches sounding");
  m.def("scale_consistency", &mt::scale_consistency, py::arg("score"),
        "Largest share of notes in one major or natural minor scale");
  m.def("empty_beat_rate", &mt::empty_beat_rate, py::arg("score"), "Share of quarter-note beats with no note");
  m.def("groove_consistency", &mt::groove_consistency, py::arg("score"), py::arg("steps_per_quarter") = 4,
        "MusPy's groove consistency of the onsets on a grid of `steps_per_quarter`");
  m.def("note_density", &mt::note_density, py::arg("score"), py::arg("quarters") = 0.0,
        "Onsets per quarter note over `quarters` (0: up to the last note)");
  m.def("syncopation", &mt::syncopation, py::arg("score"), "Share of onsets off the quarter-note beat");
  m.def(
      "note_length_histogram",
      [](const Score& s) {
        const auto h = mt::note_length_histogram(s);
        const auto& names = mt::note_length_bin_names();
        py::dict out;
        for (size_t i = 0; i < h.size(); ++i) out[py::str(names[i])] = h[i];
        return out;
      },
      py::arg("score"), "The share of notes in each note-length bin, as {bin name: share}");
}

}  // namespace

void bind_music_repr(py::module_& m) {
  bind_tokenizer(m);
  bind_metrics(m);
}

}  // namespace cadenza::python
