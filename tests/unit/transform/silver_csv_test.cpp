#include "cryptopipe/transform/silver_csv.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/file_store.h"
#include "unit/test_helpers.h"

namespace cryptopipe::transform {
namespace {

namespace fs = std::filesystem;
using unit::ScratchDir;
using unit::ThrowsError;

const std::vector<std::string_view> kColumns = {"id", "open_time", "price"};
constexpr const char* kKey = "silver/test/dt=2024-01-30/run=r1/part-0000.csv.zst";

std::string zstd_compress(std::string_view text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const std::size_t size = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  EXPECT_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

std::vector<std::vector<std::string>> read_all(const lake::ObjectStore& store, const std::string& key,
                                               const std::vector<std::string_view>& columns) {
  SilverCsvReader reader(store, key, columns);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string_view> fields;
  while (reader.next(fields)) rows.emplace_back(fields.begin(), fields.end());
  return rows;
}

class SilverCsv : public ::testing::Test {
 protected:
  ScratchDir scratch_;
  lake::FileStore store_{scratch_.path()};
};

TEST_F(SilverCsv, RoundTripsAHundredThousandRows) {
  constexpr int kRows = 100'000;
  std::size_t compressed = 0;
  {
    SilverCsvWriter writer(store_, kKey, kColumns, 3);
    for (int i = 0; i < kRows; ++i) {
      std::string& row = writer.row_buffer();
      row += std::to_string(i);
      row += ',';
      row += std::to_string(1706572800000 + i * 60'000LL);
      row += ',';
      row += std::to_string(43000 + i % 977) + "." + std::to_string(10'000'000 + i);
      writer.end_row();
    }
    EXPECT_EQ(writer.rows(), static_cast<std::size_t>(kRows));
    EXPECT_FALSE(store_.exists(kKey));  // nothing visible before finish()
    compressed = writer.finish();
  }
  const std::string bytes = store_.read(kKey);
  EXPECT_EQ(compressed, bytes.size());
  ASSERT_GE(bytes.size(), 4u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("\x28\xb5\x2f\xfd", 4));  // a zstd frame

  // The object is plain zstd of the CSV text.
  std::string text(ZSTD_getFrameContentSize(bytes.data(), bytes.size()) == ZSTD_CONTENTSIZE_UNKNOWN
                       ? 16 << 20
                       : ZSTD_getFrameContentSize(bytes.data(), bytes.size()),
                   '\0');
  const std::size_t size = ZSTD_decompress(text.data(), text.size(), bytes.data(), bytes.size());
  ASSERT_FALSE(ZSTD_isError(size)) << ZSTD_getErrorName(size);
  text.resize(size);
  EXPECT_EQ(text.substr(0, text.find('\n')), "id,open_time,price");
  EXPECT_EQ(text.back(), '\n');

  SilverCsvReader reader(store_, kKey, kColumns);
  std::vector<std::string_view> fields;
  int count = 0;
  while (reader.next(fields)) {
    ASSERT_EQ(fields.size(), 3u);
    ASSERT_EQ(fields[0], std::to_string(count));
    ASSERT_EQ(fields[1], std::to_string(1706572800000 + count * 60'000LL));
    ASSERT_EQ(fields[2], std::to_string(43000 + count % 977) + "." +
                             std::to_string(10'000'000 + count));
    ++count;
  }
  EXPECT_EQ(count, kRows);
  EXPECT_FALSE(reader.next(fields));  // stays at the end
}

TEST_F(SilverCsv, EmptyFieldsSurvive) {
  {
    SilverCsvWriter writer(store_, kKey, kColumns, 1);
    writer.row_buffer() += ",,";
    writer.end_row();
    writer.row_buffer() += "1,,x";
    writer.end_row();
    writer.finish();
  }
  EXPECT_EQ(read_all(store_, kKey, kColumns),
            (std::vector<std::vector<std::string>>{{"", "", ""}, {"1", "", "x"}}));
}

TEST_F(SilverCsv, AHeaderOnlyTableHasNoRows) {
  {
    SilverCsvWriter writer(store_, kKey, kColumns, 3);
    writer.finish();
  }
  EXPECT_TRUE(read_all(store_, kKey, kColumns).empty());
}

TEST_F(SilverCsv, HeaderMismatchIsBadPayload) {
  {
    SilverCsvWriter writer(store_, kKey, kColumns, 3);
    writer.row_buffer() += "1,2,3";
    writer.end_row();
    writer.finish();
  }
  EXPECT_TRUE(ThrowsError([&] { SilverCsvReader(store_, kKey, {"id", "open_time", "close"}); },
                          ErrorKind::kBadPayload, {kKey}));
  EXPECT_TRUE(ThrowsError([&] { SilverCsvReader(store_, kKey, {"id", "open_time"}); },
                          ErrorKind::kBadPayload, {kKey}));
  EXPECT_TRUE(ThrowsError(
      [&] { SilverCsvReader(store_, kKey, {"id", "open_time", "price", "extra"}); },
      ErrorKind::kBadPayload, {kKey}));
}

TEST_F(SilverCsv, ARowWithTheWrongFieldCountIsBadPayloadNamingTheLine) {
  {
    SilverCsvWriter writer(store_, kKey, kColumns, 3);
    writer.row_buffer() += "1,2,3";
    writer.end_row();
    writer.row_buffer() += "1,2";
    writer.end_row();
    writer.finish();
  }
  SilverCsvReader reader(store_, kKey, kColumns);
  std::vector<std::string_view> fields;
  ASSERT_TRUE(reader.next(fields));
  EXPECT_TRUE(ThrowsError([&] { reader.next(fields); }, ErrorKind::kBadPayload,
                          {kKey, "line 3", "2 fields"}));
}

// Reads a whole table, constructor included: where the damage is found does not matter.
void read_everything(const lake::ObjectStore& store, const std::string& key) {
  SilverCsvReader reader(store, key, kColumns);
  std::vector<std::string_view> fields;
  while (reader.next(fields)) {
  }
}

std::string write_table(lake::ObjectStore& store, const std::string& key, int rows) {
  SilverCsvWriter writer(store, key, kColumns, 3);
  for (int i = 0; i < rows; ++i) {
    writer.row_buffer() += std::to_string(i) + "," + std::to_string(i * 7) + "," +
                           std::to_string(i * 13 % 1000) + ".5";
    writer.end_row();
  }
  writer.finish();
  return store.read(key);
}

TEST_F(SilverCsv, ATruncatedObjectIsBadPayload) {
  const std::string bytes = write_table(store_, kKey, 20'000);
  for (const std::size_t length :
       {std::size_t{0}, std::size_t{3}, std::size_t{10}, bytes.size() / 2, bytes.size() - 4,
        bytes.size() - 1}) {
    const std::string key = "silver/truncated/" + std::to_string(length) + ".csv.zst";
    store_.put(key, bytes.substr(0, length));
    EXPECT_TRUE(ThrowsError([&] { read_everything(store_, key); }, ErrorKind::kBadPayload, {key}))
        << length << " of " << bytes.size() << " bytes";
  }
}

TEST_F(SilverCsv, ACorruptObjectIsBadPayload) {
  const std::string bytes = write_table(store_, kKey, 20'000);
  for (const std::size_t at : {bytes.size() / 3, bytes.size() / 2, bytes.size() - 2}) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5A);
    const std::string key = "silver/corrupt/" + std::to_string(at) + ".csv.zst";
    store_.put(key, damaged);
    EXPECT_TRUE(ThrowsError([&] { read_everything(store_, key); }, ErrorKind::kBadPayload, {key}))
        << "byte " << at;
  }
}

TEST_F(SilverCsv, SomethingElseThanZstdIsBadPayload) {
  store_.put("silver/plain.csv", "id,open_time,price\n1,2,3\n");
  EXPECT_TRUE(ThrowsError([&] { read_everything(store_, "silver/plain.csv"); },
                          ErrorKind::kBadPayload, {"silver/plain.csv"}));
}

TEST_F(SilverCsv, ALastLineWithoutALineBreakIsBadPayload) {
  store_.put("silver/nobreak.csv.zst", zstd_compress("id,open_time,price\n1,2,3"));
  EXPECT_TRUE(ThrowsError([&] { read_everything(store_, "silver/nobreak.csv.zst"); },
                          ErrorKind::kBadPayload, {"silver/nobreak.csv.zst"}));
}

TEST_F(SilverCsv, ReadsTablesWrittenByOtherZstdTools) {
  store_.put("silver/other.csv.zst", zstd_compress("id,open_time,price\n1,2,3\n4,5,6\n"));
  EXPECT_EQ(read_all(store_, "silver/other.csv.zst", kColumns),
            (std::vector<std::vector<std::string>>{{"1", "2", "3"}, {"4", "5", "6"}}));
}

TEST_F(SilverCsv, AMissingObjectIsNotFound) {
  EXPECT_TRUE(ThrowsError([&] { SilverCsvReader(store_, "silver/none.csv.zst", kColumns); },
                          ErrorKind::kNotFound, {"silver/none.csv.zst"}));
}

TEST_F(SilverCsv, AnUnfinishedWriterLeavesNoObject) {
  {
    SilverCsvWriter writer(store_, kKey, kColumns, 3);
    for (int i = 0; i < 50'000; ++i) {  // enough to flush compressed blocks to the lake
      writer.row_buffer() += std::to_string(i) + ",1,2";
      writer.end_row();
    }
  }
  EXPECT_FALSE(store_.exists(kKey));
  EXPECT_TRUE(store_.list("").empty());
  std::size_t temp_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(scratch_.path() / ".tmp")) {
    if (entry.is_regular_file()) ++temp_files;
  }
  EXPECT_EQ(temp_files, 0u);
}

TEST_F(SilverCsv, FinishingOverAnExistingTableFails) {
  write_table(store_, kKey, 3);
  const std::string before = store_.read(kKey);
  SilverCsvWriter writer(store_, kKey, kColumns, 3);
  writer.row_buffer() += "9,9,9";
  writer.end_row();
  EXPECT_TRUE(ThrowsError([&] { writer.finish(); }, ErrorKind::kAlreadyExists, {kKey}));
  EXPECT_EQ(store_.read(kKey), before);
}

}  // namespace
}  // namespace cryptopipe::transform
