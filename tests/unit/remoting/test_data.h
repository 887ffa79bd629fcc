// Access to the checked-in test vectors under tests/data (MQ_TEST_DATA_DIR).
#pragma once

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#ifndef MQ_TEST_DATA_DIR
#error "MQ_TEST_DATA_DIR must name the tests/data directory"
#endif

namespace mq::test {

// The whole file at `relative_path` under the data directory; empty when it cannot be read.
inline std::string read_test_file(std::string_view relative_path) {
  const std::string path = std::string(MQ_TEST_DATA_DIR) + "/" + std::string(relative_path);
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace mq::test
