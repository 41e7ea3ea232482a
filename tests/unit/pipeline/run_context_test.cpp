#include "cryptopipe/pipeline/run_context.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace cryptopipe::pipeline {
namespace {

TEST(NewRunId, IsTheCompactTimeAndTwelveHexDigits) {
  const TimestampMs now = UtcDay::parse("2026-11-27").start_ms() + 5 * kMillisPerHour +
                          kMillisPerMinute + 2 * kMillisPerSecond + 123;
  const std::string id = new_run_id(now);
  ASSERT_EQ(id.size(), 32u) << id;
  EXPECT_EQ(id.substr(0, 20), "20261127T050102123Z-");
  for (const char c : id.substr(20)) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
  }
}

TEST(NewRunId, SortsInTimeOrderAndDiffersWithinOneMillisecond) {
  const TimestampMs now = UtcDay::parse("2026-11-27").start_ms();
  EXPECT_LT(new_run_id(now), new_run_id(now + 1));
  EXPECT_LT(new_run_id(now + 999), new_run_id(now + 1000));
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.insert(new_run_id(now));
  EXPECT_GT(ids.size(), 40u);  // 16^6 suffixes: collisions among 50 are all but impossible
}

}  // namespace
}  // namespace cryptopipe::pipeline
