// cadenza.music's Score (submodule _music): MIDI in and out through the music module's own
// reader and writer, the notes as a NumPy structured array, the piano roll as an array and
// as a PNG. Times are ticks, as in music/score/score.h: a note's start and end are ticks
// at score.ticks_per_quarter; score.seconds(ticks) converts through the tempo map.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <fmt/format.h>

#include <algorithm>

#include "engine/error.h"
#include "music/midi/write_midi.h"
#include "music/render/piano_roll_png.h"
#include "music/repr/piano_roll.h"
#include "music/score/midi_convert.h"
#include "music/score/time_map.h"
#include "python/src/bindings.h"

namespace cadenza::python {
namespace {

using music::Score;

// One row of Score.notes. The field order is the documented one; `track` indexes
// Score.tracks and `program` repeats that track's General MIDI program.
struct NoteRow {
  uint8_t pitch;
  int64_t start, end;  // ticks
  uint8_t velocity, program;
  int32_t track;
};

py::array notes_array(const Score& s) {
  py::array_t<NoteRow> out(static_cast<py::ssize_t>(s.note_count()));
  NoteRow* row = out.mutable_data();
  for (size_t t = 0; t < s.tracks.size(); ++t)
    for (const music::Note& n : s.tracks[t].notes)
      *row++ = {
          n.pitch, n.start, n.end, n.velocity, static_cast<uint8_t>(s.tracks[t].program), static_cast<int32_t>(t)};
  return out;
}

// One field of a structured array as int64, whatever its integer type.
py::array_t<int64_t> field(const py::array& notes, const char* name) {
  const py::object dtype_names = notes.dtype().attr("names");
  CADENZA_CHECK(!dtype_names.is_none(),
                "notes must be a structured array with fields pitch, start, end, velocity (and program, track)");
  for (const auto& n : dtype_names)
    if (n.cast<std::string>() == name)
      return py::array_t<int64_t, py::array::c_style | py::array::forcecast>(notes[py::str(name)]);
  return {};
}

// Replaces every track's notes with `notes` (fields pitch, start, end, velocity; program
// and track optional, 0 if absent). A track index past the score's tracks adds tracks.
void set_notes(Score& s, const py::array& notes) {
  CADENZA_CHECK(notes.ndim() == 1, "notes must be one-dimensional, not {}-dimensional", notes.ndim());
  const py::ssize_t n = notes.shape(0);
  py::array_t<int64_t> cols[6];
  const char* names[6] = {"pitch", "start", "end", "velocity", "program", "track"};
  for (int i = 0; i < 6; ++i) {
    cols[i] = field(notes, names[i]);
    CADENZA_CHECK(i >= 4 || cols[i].size() == n, "notes: no field '{}'", names[i]);
  }
  auto col = [&](int i, py::ssize_t k) -> int64_t { return cols[i].size() == n ? cols[i].data()[k] : 0; };
  for (auto& t : s.tracks) t.notes.clear();
  std::vector<int64_t> program_of(s.tracks.size(), -1);
  for (py::ssize_t k = 0; k < n; ++k) {
    const int64_t pitch = col(0, k), start = col(1, k), end = col(2, k), velocity = col(3, k);
    const int64_t program = col(4, k), track = col(5, k);
    CADENZA_CHECK(pitch >= 0 && pitch <= 127, "notes[{}]: pitch {} is not in 0..127", k, pitch);
    CADENZA_CHECK(velocity >= 1 && velocity <= 127, "notes[{}]: velocity {} is not in 1..127", k, velocity);
    CADENZA_CHECK(program >= 0 && program <= 127, "notes[{}]: program {} is not in 0..127", k, program);
    CADENZA_CHECK(start >= 0 && end >= start, "notes[{}]: start {} and end {} must satisfy 0 <= start <= end", k, start,
                  end);
    CADENZA_CHECK(track >= 0 && track < 4096, "notes[{}]: track {} is not in 0..4095", k, track);
    while (s.tracks.size() <= static_cast<size_t>(track)) {
      music::Track t;
      t.channel = music::melodic_channel(s.tracks.size());
      s.tracks.push_back(std::move(t));
      program_of.push_back(-1);
    }
    if (program_of[track] < 0) program_of[track] = program;
    CADENZA_CHECK(program_of[track] == program, "notes[{}]: program {} differs from track {}'s program {}", k, program,
                  track, program_of[track]);
    s.tracks[track].notes.push_back({start, end, static_cast<uint8_t>(pitch), static_cast<uint8_t>(velocity)});
  }
  for (size_t t = 0; t < s.tracks.size(); ++t) {
    auto& notes_t = s.tracks[t].notes;
    std::stable_sort(notes_t.begin(), notes_t.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    if (program_of[t] >= 0 && program_of[t] != s.tracks[t].program && !s.tracks[t].is_drum) {
      s.tracks[t].program = static_cast<int>(program_of[t]);
      s.tracks[t].program_changes = {{0, static_cast<uint8_t>(program_of[t])}};
    }
  }
}

Score make_score(const py::object& notes, int ticks_per_quarter, double bpm) {
  CADENZA_CHECK(ticks_per_quarter > 0 && ticks_per_quarter < 32768, "ticks_per_quarter must be in 1..32767, not {}",
                ticks_per_quarter);
  CADENZA_CHECK(bpm > 0, "bpm must be positive, not {}", bpm);
  Score s;
  s.ticks_per_quarter = ticks_per_quarter;
  s.tempos.push_back({0, static_cast<uint32_t>(std::lround(60e6 / bpm))});
  if (!notes.is_none()) set_notes(s, py::array::ensure(notes));
  return s;
}

// Lenient-mode recoveries become Python warnings, one each.
void warn_all(const std::vector<std::string>& warnings, const std::string& where) {
  for (const auto& w : warnings)
    if (PyErr_WarnEx(PyExc_UserWarning, fmt::format("{}: {}", where, w).c_str(), 1) < 0) throw py::error_already_set();
}

Score read_midi(const py::object& source, bool strict) {
  std::vector<std::string> warnings;
  Score s;
  std::string where = "MIDI bytes";
  if (py::isinstance<py::bytes>(source) || py::isinstance<py::bytearray>(source)) {
    const std::string bytes = source.cast<std::string>();
    s = music::score_from_midi_bytes({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, {strict},
                                     &warnings);
  } else {
    const auto path = source.cast<std::filesystem::path>();
    where = path.string();
    s = music::load_midi(path, {strict}, &warnings);
  }
  warn_all(warnings, where);
  return s;
}

py::bytes midi_bytes(const Score& s) {
  const std::vector<uint8_t> b = music::midi::write_midi(music::midi_from_score(s));
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

music::render::PianoRollPngOptions png_options(int pixels_per_beat, int pixels_per_pitch) {
  CADENZA_CHECK(pixels_per_beat > 0 && pixels_per_pitch > 0, "pixels_per_beat and pixels_per_pitch must be positive");
  music::render::PianoRollPngOptions o;
  o.pixels_per_beat = pixels_per_beat, o.pixels_per_pitch = pixels_per_pitch;
  return o;
}

// A [tracks, steps, pitches] uint8 array owning the roll's vector (no copy).
py::array roll_array(std::vector<uint8_t>&& cells, const music::repr::PianoRoll& roll) {
  auto* owned = new std::vector<uint8_t>(std::move(cells));
  py::capsule base(owned, [](void* p) { delete static_cast<std::vector<uint8_t>*>(p); });
  const std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(roll.tracks.size()),
                                          static_cast<py::ssize_t>(roll.num_steps), roll.config.num_pitches};
  return py::array_t<uint8_t>(shape, owned->data(), base);
}

music::repr::PianoRollConfig roll_config(int steps_per_quarter, int lowest_pitch, int num_pitches) {
  CADENZA_CHECK(steps_per_quarter > 0, "steps_per_quarter must be positive, not {}", steps_per_quarter);
  CADENZA_CHECK(lowest_pitch >= 0 && num_pitches > 0 && lowest_pitch + num_pitches <= 128,
                "pitches [{}, {}) are not within 0..127", lowest_pitch, lowest_pitch + num_pitches);
  music::repr::PianoRollConfig c;
  c.steps_per_quarter = steps_per_quarter, c.lowest_pitch = lowest_pitch, c.num_pitches = num_pitches;
  return c;
}

Score from_piano_roll(const py::array_t<uint8_t, py::array::c_style | py::array::forcecast>& velocity,
                      int steps_per_quarter, int lowest_pitch, const py::object& onsets, int ticks_per_quarter) {
  CADENZA_CHECK(velocity.ndim() == 3, "a piano roll is [tracks, steps, pitches], not {}-dimensional", velocity.ndim());
  music::repr::PianoRoll roll;
  roll.config = roll_config(steps_per_quarter, lowest_pitch, static_cast<int>(velocity.shape(2)));
  roll.num_steps = velocity.shape(1);
  roll.tracks.resize(static_cast<size_t>(velocity.shape(0)));
  roll.velocity.assign(velocity.data(), velocity.data() + velocity.size());
  if (!onsets.is_none()) {
    const auto o = py::array_t<uint8_t, py::array::c_style | py::array::forcecast>::ensure(onsets);
    CADENZA_CHECK(o && o.size() == velocity.size() && o.ndim() == 3, "onsets must have the roll's shape");
    roll.onsets.assign(o.data(), o.data() + o.size());
  }
  CADENZA_CHECK(ticks_per_quarter % steps_per_quarter == 0,
                "ticks_per_quarter {} must be a multiple of steps_per_quarter {}", ticks_per_quarter,
                steps_per_quarter);
  return music::repr::decode_piano_roll(roll, ticks_per_quarter);
}

void bind_track(py::module_& m) {
  py::class_<music::Track>(m, "Track", "One instrument part: the notes of one MIDI channel within one MIDI track.")
      .def_readwrite("name", &music::Track::name)
      .def_readwrite("channel", &music::Track::channel, "MIDI channel, 0-based (9 is the drum channel)")
      .def_readwrite("is_drum", &music::Track::is_drum)
      .def_readwrite("program", &music::Track::program, "General MIDI program, 0-based")
      .def_property_readonly("note_count", [](const music::Track& t) { return t.notes.size(); })
      .def("__repr__", [](const music::Track& t) {
        return fmt::format("Track(name='{}', channel={}, program={}, is_drum={}, notes={})", t.name, t.channel,
                           t.program, t.is_drum ? "True" : "False", t.notes.size());
      });
}

}  // namespace

void bind_music_score(py::module_& m) {
  PYBIND11_NUMPY_DTYPE(NoteRow, pitch, start, end, velocity, program, track);
  m.attr("NOTE_DTYPE") = py::dtype::of<NoteRow>();
  bind_track(m);
  py::class_<Score>(m, "Score",
                    "A score: tracks of notes in ticks (ticks_per_quarter per quarter note), a tempo map, time and "
                    "key signatures. `notes` is a NumPy structured array (NOTE_DTYPE: pitch, start, end, velocity, "
                    "program, track).")
      .def(py::init(&make_score), py::arg("notes") = py::none(), py::arg("ticks_per_quarter") = 480,
           py::arg("bpm") = 120.0,
           "A score of `notes` (a structured array with pitch, start, end, velocity and optionally program and "
           "track fields; times in ticks) at one tempo.")
      .def_readwrite("ticks_per_quarter", &Score::ticks_per_quarter)
      .def_property("notes", &notes_array, &set_notes,
                    "All notes as a new structured array (NOTE_DTYPE), track by track, each track by start; assigning "
                    "one replaces the notes (a track index past the tracks adds a track)")
      .def_readwrite("tracks", &Score::tracks, "The parts (a list of Track; assign the list back to change one)")
      .def_property_readonly(
          "tempos",
          [](const Score& s) {
            std::vector<std::pair<int64_t, double>> out;
            for (const auto& t : s.tempos) out.emplace_back(t.tick, t.bpm());
            return out;
          },
          "[(tick, beats per minute)]; empty means 120 BPM")
      .def_property_readonly(
          "time_signatures",
          [](const Score& s) {
            std::vector<std::tuple<int64_t, int, int>> out;
            for (const auto& t : s.time_signatures) out.emplace_back(t.tick, t.numerator, t.denominator);
            return out;
          },
          "[(tick, numerator, denominator)]; empty means 4/4")
      .def_property_readonly(
          "key_signatures",
          [](const Score& s) {
            std::vector<std::tuple<int64_t, int, bool>> out;
            for (const auto& k : s.key_signatures) out.emplace_back(k.tick, k.sharps, k.minor);
            return out;
          },
          "[(tick, sharps (negative: flats), minor)]")
      .def_property_readonly("end_tick", &Score::end_tick, "The end of the last note (0 for an empty score)")
      .def("__len__", &Score::note_count, "The number of notes")
      .def(
          "__eq__", [](const Score& a, const Score& b) { return a == b; },
          "Same notes, tracks, tempo map and signatures")
      .def(
          "seconds",
          [](const Score& s, const py::array_t<int64_t, py::array::c_style | py::array::forcecast>& ticks) {
            const music::TimeMap map(s);
            py::array_t<double> out(ticks.request().shape);
            for (py::ssize_t i = 0; i < ticks.size(); ++i) out.mutable_data()[i] = map.seconds(ticks.data()[i]);
            return out;
          },
          py::arg("ticks"), "Ticks to seconds through the tempo map (an array of the same shape)")
      .def("resample", &music::resample, py::arg("ticks_per_quarter"),
           "A copy with every tick rescaled to another ticks_per_quarter (rounded)")
      .def("to_midi", &midi_bytes, "The score as a format-1 Standard MIDI File, in bytes")
      .def(
          "write_midi", [](const Score& s, const std::filesystem::path& p) { music::save_midi(s, p); }, py::arg("path"),
          "Writes a format-1 MIDI file (atomically: a failed write leaves the old file)")
      .def(
          "piano_roll",
          [](const Score& s, int steps_per_quarter, int lowest_pitch, int num_pitches, bool onsets) {
            auto roll = music::repr::encode_piano_roll(s, roll_config(steps_per_quarter, lowest_pitch, num_pitches));
            return roll_array(std::move(onsets ? roll.onsets : roll.velocity), roll);
          },
          py::arg("steps_per_quarter") = 4, py::arg("lowest_pitch") = 0, py::arg("num_pitches") = 128,
          py::arg("onsets") = false,
          "A uint8 array [tracks, steps, pitches]: each cell the sounding velocity (0 silent), or with "
          "onsets=True 1 where a note starts")
      .def_static("from_piano_roll", &from_piano_roll, py::arg("velocity"), py::arg("steps_per_quarter") = 4,
                  py::arg("lowest_pitch") = 0, py::arg("onsets") = py::none(), py::arg("ticks_per_quarter") = 480,
                  "The score of a roll [tracks, steps, pitches] of velocities (and optional onsets of that shape)")
      .def(
          "png",
          [](const Score& s, int pixels_per_beat, int pixels_per_pitch) {
            return py::bytes(music::render::encode_png(
                music::render::render_piano_roll(s, png_options(pixels_per_beat, pixels_per_pitch))));
          },
          py::arg("pixels_per_beat") = 16, py::arg("pixels_per_pitch") = 4,
          "The piano-roll picture as PNG bytes (time left to right, a colour per track, bar and beat lines)")
      .def(
          "write_png",
          [](const Score& s, const std::filesystem::path& p, int pixels_per_beat, int pixels_per_pitch) {
            music::render::write_piano_roll_png(s, p, png_options(pixels_per_beat, pixels_per_pitch));
          },
          py::arg("path"), py::arg("pixels_per_beat") = 16, py::arg("pixels_per_pitch") = 4,
          "Writes the piano-roll picture as a PNG file (atomically)")
      .def(
          "_repr_png_",
          [](const Score& s) { return py::bytes(music::render::encode_png(music::render::render_piano_roll(s))); },
          "The piano roll, for a notebook to show inline")
      .def("__repr__", [](const Score& s) {
        return fmt::format("Score(tracks={}, notes={}, ticks_per_quarter={}, end_tick={})", s.tracks.size(),
                           s.note_count(), s.ticks_per_quarter, s.end_tick());
      });
  m.def("read_midi", &read_midi, py::arg("source"), py::arg("strict") = false,
        "A Score from a MIDI file's path or its bytes. Lenient by default: what the reader recovers from becomes a "
        "UserWarning; strict=True raises at the first departure from SMF 1.0 instead.");
  m.def(
      "write_midi", [](const Score& s, const std::filesystem::path& p) { music::save_midi(s, p); }, py::arg("score"),
      py::arg("path"), "Writes `score` as a format-1 MIDI file (atomically)");
}

}  // namespace cadenza::python
