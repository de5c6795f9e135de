#include "models/loss_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "music/render/image.h"

namespace cadenza::models {
namespace {

using music::render::Image;
using music::render::Rgb;

constexpr int kWidth = 800, kHeight = 450;
constexpr int kLeft = 70, kRight = 20, kTop = 20, kBottom = 40;
constexpr int kScale = 2;  // font pixels per glyph dot
constexpr Rgb kBackground{255, 255, 255}, kAxis{40, 40, 40}, kGrid{225, 225, 225};
constexpr Rgb kTrainColour{31, 119, 180}, kValidColour{255, 127, 14};  // matplotlib's first two

// 3x5 glyphs, one row per entry, bit 2 = left column.
const std::map<char, std::array<uint8_t, 5>>& glyphs() {
  static const std::map<char, std::array<uint8_t, 5>> g{
      {'0', {7, 5, 5, 5, 7}}, {'1', {2, 6, 2, 2, 7}}, {'2', {7, 1, 7, 4, 7}}, {'3', {7, 1, 7, 1, 7}},
      {'4', {5, 5, 7, 1, 1}}, {'5', {7, 4, 7, 1, 7}}, {'6', {7, 4, 7, 5, 7}}, {'7', {7, 1, 1, 1, 1}},
      {'8', {7, 5, 7, 5, 7}}, {'9', {7, 5, 7, 1, 7}}, {'.', {0, 0, 0, 0, 2}}, {'-', {0, 0, 7, 0, 0}},
      {'+', {0, 2, 7, 2, 0}}, {'e', {7, 5, 7, 4, 7}}, {'a', {0, 7, 1, 7, 7}}, {'d', {1, 1, 7, 5, 7}},
      {'i', {2, 0, 2, 2, 2}}, {'l', {2, 2, 2, 2, 3}}, {'n', {0, 6, 5, 5, 5}}, {'r', {0, 7, 4, 4, 4}},
      {'t', {2, 7, 2, 2, 3}}, {'v', {0, 5, 5, 5, 2}}, {' ', {0, 0, 0, 0, 0}}};
  return g;
}

constexpr int kGlyphAdvance = 4 * kScale;

void draw_text(Image& img, int x, int y, const std::string& text, Rgb colour) {
  for (char c : text) {
    auto it = glyphs().find(c);
    if (it != glyphs().end())
      for (int row = 0; row < 5; ++row)
        for (int col = 0; col < 3; ++col)
          if (it->second[row] >> (2 - col) & 1)
            img.fill_rect(x + col * kScale, y + row * kScale, x + (col + 1) * kScale, y + (row + 1) * kScale, colour);
    x += kGlyphAdvance;
  }
}

int text_width(const std::string& text) { return static_cast<int>(text.size()) * kGlyphAdvance; }

void draw_line(Image& img, double x0, double y0, double x1, double y1, Rgb colour) {
  const int n = static_cast<int>(std::max(std::abs(x1 - x0), std::abs(y1 - y0))) + 1;
  for (int i = 0; i <= n; ++i) {
    const double t = static_cast<double>(i) / n;
    const int x = static_cast<int>(std::lround(x0 + t * (x1 - x0))),
              y = static_cast<int>(std::lround(y0 + t * (y1 - y0)));
    img.fill_rect(x, y, x + 2, y + 2, colour);  // 2 px wide
  }
}

struct Range {
  double lo = INFINITY, hi = -INFINITY;
  void add(double v) { lo = std::min(lo, v), hi = std::max(hi, v); }
  void widen() {  // never empty, never zero-width
    if (!(lo <= hi)) lo = 0, hi = 1;
    if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
  }
};

}  // namespace

void write_loss_plot(const std::vector<CurvePoint>& train, const std::vector<CurvePoint>& valid,
                     const std::filesystem::path& path) {
  Range xr, yr;
  for (const auto* curve : {&train, &valid})
    for (const CurvePoint& p : *curve)
      if (std::isfinite(p.value)) xr.add(p.step), yr.add(p.value);
  xr.widen();
  yr.widen();
  const double pad = 0.05 * (yr.hi - yr.lo);
  yr.lo -= pad, yr.hi += pad;

  Image img(kWidth, kHeight, kBackground);
  const int x0 = kLeft, x1 = kWidth - kRight, y0 = kTop, y1 = kHeight - kBottom;
  auto px = [&](double step) { return x0 + (step - xr.lo) / (xr.hi - xr.lo) * (x1 - x0); };
  auto py = [&](double v) { return y1 - (v - yr.lo) / (yr.hi - yr.lo) * (y1 - y0); };

  constexpr int kTicks = 5;
  for (int i = 0; i <= kTicks; ++i) {
    const double fx = xr.lo + (xr.hi - xr.lo) * i / kTicks, fy = yr.lo + (yr.hi - yr.lo) * i / kTicks;
    const int gx = static_cast<int>(px(fx)), gy = static_cast<int>(py(fy));
    img.fill_rect(gx, y0, gx + 1, y1, kGrid);
    img.fill_rect(x0, gy, x1, gy + 1, kGrid);
    const std::string xl = fmt::format("{:.0f}", fx), yl = fmt::format("{:.3g}", fy);
    draw_text(img, gx - text_width(xl) / 2, y1 + 8, xl, kAxis);
    draw_text(img, x0 - 6 - text_width(yl), gy - 5, yl, kAxis);
  }
  img.fill_rect(x0, y0, x0 + 1, y1 + 1, kAxis);
  img.fill_rect(x0, y1, x1 + 1, y1 + 1, kAxis);

  auto draw_curve = [&](const std::vector<CurvePoint>& curve, Rgb colour) {
    const CurvePoint* prev = nullptr;
    for (const CurvePoint& p : curve) {
      if (!std::isfinite(p.value)) continue;
      if (prev)
        draw_line(img, px(prev->step), py(prev->value), px(p.step), py(p.value), colour);
      else
        img.fill_rect(static_cast<int>(px(p.step)) - 1, static_cast<int>(py(p.value)) - 1,
                      static_cast<int>(px(p.step)) + 2, static_cast<int>(py(p.value)) + 2, colour);
      prev = &p;
    }
  };
  draw_curve(train, kTrainColour);
  draw_curve(valid, kValidColour);

  // Legend, top right.
  int ly = y0 + 8;
  for (const auto& [label, colour] : {std::pair{"train", kTrainColour}, std::pair{"valid", kValidColour}}) {
    const int lx = x1 - 12 - text_width(label) - 16;
    img.fill_rect(lx, ly, lx + 10, ly + 10, colour);
    draw_text(img, lx + 16, ly, label, kAxis);
    ly += 16;
  }
  music::render::write_png(img, path);
}

}  // namespace cadenza::models
