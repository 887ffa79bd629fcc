#include "config/closest_key.h"

#include <algorithm>

namespace mq::core {
namespace {

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Keys are short; anything past this is junk and is not worth comparing character by
// character (it would cost len_a * len_b for every candidate).
constexpr std::size_t kMaxComparedLength = 128;

}  // namespace

std::size_t key_edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  // Three rows of the dynamic-programming matrix: two back (for swaps), one back, current.
  std::vector<std::size_t> before(m + 1), previous(m + 1), current(m + 1);
  for (std::size_t j = 0; j <= m; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      std::size_t best = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1])) {
        best = std::min(best, before[j - 2] + 1);
      }
      current[j] = best;
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::optional<std::string_view> closest_key(std::string_view key,
                                            const std::vector<std::string_view>& candidates) {
  if (key.empty() || key.size() > kMaxComparedLength) return std::nullopt;
  const std::size_t limit = key.size() < 5 ? 1 : key.size() < 12 ? 2 : 3;
  std::optional<std::string_view> best;
  std::size_t best_distance = limit + 1;
  for (const std::string_view candidate : candidates) {
    if (candidate == key) return std::nullopt;
    const std::size_t length_gap = candidate.size() > key.size() ? candidate.size() - key.size()
                                                                 : key.size() - candidate.size();
    if (length_gap >= best_distance) continue;  // cannot beat the best so far
    const std::size_t distance = key_edit_distance(key, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace mq::core
