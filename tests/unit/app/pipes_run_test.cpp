// What the engine takes from a Dagster Pipes context: the selection, the partitions and the run
// id, and the clear refusals of contexts it cannot act on.
#include "cryptopipe/app/pipes_run.h"

#include <gtest/gtest.h>

#include "unit/test_helpers.h"

namespace cryptopipe::app {
namespace {

using unit::ThrowsError;

pipes::PipesContext context_of(nlohmann::json payload) {
  payload["run_id"] = "4f2c1a9e-0000-4000-8000-000000000001";
  return pipes::PipesContext::from_json(payload);
}

TEST(PipesRun, TheSelectionIsTheStepsAssetKeys) {
  EXPECT_EQ(pipes_selection(context_of({{"asset_keys", {"extract_binance_ohlcv"}}})),
            "extract_binance_ohlcv");
  EXPECT_EQ(pipes_selection(context_of({{"asset_keys", {"transform_ohlcv", "load_ohlcv_to_postgres"}}})),
            "transform_ohlcv,load_ohlcv_to_postgres");
}

TEST(PipesRun, AStepWithoutAssetKeysIsRefused) {
  for (const nlohmann::json& payload :
       {nlohmann::json::object(), nlohmann::json{{"asset_keys", nlohmann::json::array()}}}) {
    EXPECT_TRUE(ThrowsError([&] { pipes_selection(context_of(payload)); }, ErrorKind::kConfig,
                            {"Dagster Pipes context", "no asset keys", "not ops"}))
        << payload.dump();
  }
}

TEST(PipesRun, PartitionsComeFromTheKeyOrTheRangeTheCodeLocationPasses) {
  const auto single = pipes_partitions(context_of({{"partition_key", "2026-11-25"}}));
  ASSERT_TRUE(single.has_value());
  EXPECT_EQ(single->first, "2026-11-25");
  EXPECT_EQ(single->last, "2026-11-25");

  const auto range = pipes_partitions(context_of(
      {{"extras", {{"partition_range", {{"start", "2026-11-01"}, {"end", "2026-11-07"}}}}}}));
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->first, "2026-11-01");
  EXPECT_EQ(range->last, "2026-11-07");

  EXPECT_FALSE(pipes_partitions(context_of(nlohmann::json::object())).has_value());
}

TEST(PipesRun, ABadPartitionRangeIsRefusedNamingIt) {
  for (const nlohmann::json& range :
       {nlohmann::json("2026-11-01..2026-11-07"), nlohmann::json{{"start", "2026-11-01"}},
        nlohmann::json{{"start", "2026-11-01"}, {"end", 20261107}}}) {
    EXPECT_TRUE(ThrowsError(
        [&] { pipes_partitions(context_of({{"extras", {{"partition_range", range}}}})); },
        ErrorKind::kConfig, {"extras.partition_range", range.dump()}))
        << range.dump();
  }
}

TEST(PipesRun, TheRunIdNamesDagstersRunAndItsRetry) {
  const TimestampMs now = 1'764'201'600'123;  // 2025-11-27T00:00:00.123Z
  const std::string first = pipes_run_id(context_of(nlohmann::json::object()), now);
  EXPECT_EQ(first.find("-4f2c1a9e-0000-4000-8000-000000000001"), first.size() - 37) << first;
  EXPECT_EQ(first.find("retry"), std::string::npos) << first;
  const std::string retried = pipes_run_id(context_of({{"retry_number", 2}}), now);
  EXPECT_EQ(retried, first + "-retry2");
}

}  // namespace
}  // namespace cryptopipe::app
