// The "did you mean" suggestion for unknown keys.
#include "config/closest_key.h"

#include <gtest/gtest.h>

#include <string>

namespace mq::core {
namespace {

const std::vector<std::string_view> kKeys = {
    "brokerName",    "brokerClusterName",      "brokerId", "listenPort", "haListenPort",
    "flushDiskType", "mappedFileSizeCommitLog"};

TEST(ClosestKey, CountsSwapsCaseAndEdits) {
  EXPECT_EQ(key_edit_distance("brokerNmae", "brokerName"), 1u);  // adjacent swap
  EXPECT_EQ(key_edit_distance("brokername", "brokerName"), 0u);  // case only
  EXPECT_EQ(key_edit_distance("listenPrt", "listenPort"), 1u);
  EXPECT_EQ(key_edit_distance("", "abc"), 3u);
  EXPECT_EQ(key_edit_distance("kitten", "sitting"), 3u);
}

TEST(ClosestKey, SuggestsOnlyPlausibleTypos) {
  EXPECT_EQ(closest_key("brokerNmae", kKeys), "brokerName");
  EXPECT_EQ(closest_key("brokername", kKeys), "brokerName");
  EXPECT_EQ(closest_key("listenport", kKeys), "listenPort");
  EXPECT_EQ(closest_key("flushDiskTyp", kKeys), "flushDiskType");
  EXPECT_EQ(closest_key("mapedFileSizeCommitLog", kKeys), "mappedFileSizeCommitLog");
  EXPECT_FALSE(closest_key("fooBarBaz", kKeys));
  EXPECT_FALSE(closest_key("id", kKeys));
  EXPECT_FALSE(closest_key("", kKeys));
  EXPECT_FALSE(closest_key(std::string(1000, 'x'), kKeys));
}

}  // namespace
}  // namespace mq::core
