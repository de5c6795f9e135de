// A small RGB image and its PNG writer (libpng).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cadenza::music::render {

using Rgb = std::array<uint8_t, 3>;

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;  // row-major RGB, top row first

  Image(int w, int h, Rgb fill);
  Rgb at(int x, int y) const;
  void set(int x, int y, Rgb c);                          // ignores pixels outside
  void fill_rect(int x0, int y0, int x1, int y1, Rgb c);  // [x0, x1) x [y0, y1), clipped
};

// The PNG file's bytes (RGB, 8 bits a channel), and the same written atomically to `path`.
std::string encode_png(const Image& image);
void write_png(const Image& image, const std::filesystem::path& path);

}  // namespace cadenza::music::render
