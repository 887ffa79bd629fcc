// SHA-256 (FIPS 180-4) for checking test vectors against published digests.
#pragma once

#include <string>
#include <string_view>

namespace mq::test {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace mq::test
