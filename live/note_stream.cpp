#include "live/note_stream.h"

#include "live/note_stream_kinds.h"

namespace cadenza::live {

std::unique_ptr<NoteStream> make_note_stream(std::shared_ptr<models::Model> model) {
  if (auto s = make_performance_stream(model)) return s;
  if (auto s = make_roll_stream(model)) return s;
  return make_whole_sample_stream(model);
}

}  // namespace cadenza::live
