#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace cadenza::music::midi {

// A file that cannot be read (or, in strict mode, that breaks SMF 1.0). what() reads
// "<reason> at byte <offset>" so a user can open the file in a hex viewer and look.
class MidiError : public std::runtime_error {
 public:
  MidiError(std::string reason, size_t offset)
      : std::runtime_error(reason + " at byte " + std::to_string(offset)),
        reason_(std::move(reason)),
        offset_(offset) {}
  const std::string& reason() const { return reason_; }
  size_t offset() const { return offset_; }

 private:
  std::string reason_;
  size_t offset_;
};

}  // namespace cadenza::music::midi
