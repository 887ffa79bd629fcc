// The "did you mean" behind unknown-key warnings: the known key nearest to a misspelt one.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace mq::core {

// Edit distance between `a` and `b` where an insertion, a deletion, a substitution or a swap of
// two adjacent characters costs 1 (optimal string alignment), and letters compare without
// regard to ASCII case ("brokerNmae" -> "brokerName" is 1, "brokername" -> "brokerName" is 0).
std::size_t key_edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `key`, when it is close enough to be a plausible typo: at most 1
// edit for keys shorter than 5 characters, 2 below 12, 3 otherwise. Ties go to the earliest
// candidate. nullopt when nothing is that close (or `key` is itself a candidate).
std::optional<std::string_view> closest_key(std::string_view key,
                                            const std::vector<std::string_view>& candidates);

}  // namespace mq::core
