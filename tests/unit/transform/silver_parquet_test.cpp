#include "cryptopipe/transform/silver_parquet.h"

#include <gtest/gtest.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>

#include <arrow/io/memory.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/file_store.h"
#include "unit/test_helpers.h"
#include "unit/transform/silver_table.h"

namespace cryptopipe::transform {
namespace {

using unit::ScratchDir;

const SilverSchema kSchema = {{"name"},
                              {"at", ColumnType::kTimestampMs},
                              price_column("price"),
                              amount_column("amount", true),
                              {"count", ColumnType::kInt64, true},
                              {"flag", ColumnType::kBool}};

std::unique_ptr<parquet::ParquetFileReader> open_parquet(const std::string& bytes) {
  return parquet::ParquetFileReader::Open(std::make_shared<arrow::io::BufferReader>(
      std::make_shared<arrow::Buffer>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                      static_cast<std::int64_t>(bytes.size()))));
}

class SilverParquet : public ::testing::Test {
 protected:
  void write_rows(const std::string& key, int rows) {
    SilverParquetWriter writer(store_, key, kSchema, 3);
    for (int i = 0; i < rows; ++i) {
      const std::string price = std::to_string(i % 1000) + ".25";
      ASSERT_FALSE(writer.text(i % 2 ? "ETH/USDT" : "BTC/USDT")
                       .timestamp(1706572800000 + i * 60'000LL)
                       .decimal(price)
                       .decimal("1.5")
                       .integer(i)
                       .boolean(true)
                       .end_row());
    }
    writer.finish();
  }

  ScratchDir scratch_;
  lake::FileStore store_{scratch_.path()};
};

TEST_F(SilverParquet, EveryColumnTypeComesBackExactWithItsNulls) {
  SilverParquetWriter writer(store_, "silver/t.parquet", kSchema, 3);
  writer.text("BTC/USDT").timestamp(1706572800123).decimal("43519.34000000")
      .decimal("99999999999999999999.999999999999999999").integer(-7).boolean(true);
  EXPECT_FALSE(writer.end_row());
  writer.text("ÉTH/USDT").timestamp(0).decimal("-0.000000000001").decimal("").integer(std::nullopt)
      .boolean(false);
  EXPECT_FALSE(writer.end_row());
  EXPECT_EQ(writer.rows(), 2u);
  EXPECT_GT(writer.finish(), 0u);

  EXPECT_EQ(read_silver_table(store_, "silver/t.parquet", kSchema),
            (SilverRows{{"BTC/USDT", "2024-01-30T00:00:00.123Z", "43519.34",
                         "99999999999999999999.999999999999999999", "-7", "true"},
                        {"ÉTH/USDT", "1970-01-01T00:00:00.000Z", "-0.000000000001", "", "",
                         "false"}}));
}

TEST_F(SilverParquet, ARowThatDoesNotFitLeavesNothingBehindAndNamesTheColumn) {
  SilverParquetWriter writer(store_, "silver/t.parquet", kSchema, 3);
  writer.text("a").timestamp(1).decimal("1.0000000000001").decimal("1").integer(1).boolean(true);
  EXPECT_EQ(writer.end_row(), "price");
  writer.text("b").timestamp(2).decimal("1").decimal("1e3").integer(2).boolean(true);
  EXPECT_EQ(writer.end_row(), "amount");
  writer.text("c").timestamp(3).decimal("").decimal("1").integer(3).boolean(true);
  EXPECT_EQ(writer.end_row(), "price") << "price is not nullable";
  writer.text("d").timestamp(4).decimal("2").decimal("3").integer(4).boolean(false);
  EXPECT_FALSE(writer.end_row());
  EXPECT_EQ(writer.rows(), 1u);
  writer.finish();
  EXPECT_EQ(read_silver_table(store_, "silver/t.parquet", kSchema),
            (SilverRows{{"d", "1970-01-01T00:00:00.004Z", "2", "3", "4", "false"}}));
}

TEST_F(SilverParquet, ARowOfTheWrongWidthIsAnError) {
  SilverParquetWriter writer(store_, "silver/t.parquet", kSchema, 3);
  writer.text("a").timestamp(1);
  EXPECT_THROW(writer.end_row(), Error);
  writer.text("a").timestamp(1).decimal("1").decimal("1").integer(1).boolean(true);
  EXPECT_THROW(writer.text("one too many"), Error);
}

TEST_F(SilverParquet, NothingIsInTheLakeUntilFinish) {
  {
    SilverParquetWriter writer(store_, "silver/abandoned.parquet", kSchema, 3);
    writer.text("a").timestamp(1).decimal("1").decimal("1").integer(1).boolean(true);
    EXPECT_FALSE(writer.end_row());
    EXPECT_FALSE(store_.exists("silver/abandoned.parquet"));
  }
  EXPECT_FALSE(store_.exists("silver/abandoned.parquet")) << "an unfinished table is never published";
}

TEST_F(SilverParquet, LargeTablesAreSplitIntoRowGroupsWithZstdDictionariesAndUtcTimes) {
  const int rows = static_cast<int>(SilverParquetWriter::kRowGroupRows) + 1000;
  write_rows("silver/big.parquet", rows);
  const std::string bytes = store_.read("silver/big.parquet");
  const auto file = open_parquet(bytes);
  const std::shared_ptr<parquet::FileMetaData> metadata = file->metadata();
  EXPECT_EQ(metadata->num_rows(), rows);
  ASSERT_EQ(metadata->num_row_groups(), 2);
  EXPECT_EQ(metadata->RowGroup(0)->num_rows(), SilverParquetWriter::kRowGroupRows);

  const auto name = metadata->RowGroup(0)->ColumnChunk(0);
  EXPECT_EQ(name->compression(), parquet::Compression::ZSTD);
  EXPECT_TRUE(name->has_dictionary_page()) << "strings are dictionary-encoded";
  const auto& encodings = name->encodings();
  EXPECT_NE(std::find(encodings.begin(), encodings.end(), parquet::Encoding::RLE_DICTIONARY),
            encodings.end());

  const parquet::SchemaDescriptor& schema = *metadata->schema();
  EXPECT_EQ(schema.Column(1)->logical_type()->ToString(),
            parquet::LogicalType::Timestamp(true, parquet::LogicalType::TimeUnit::MILLIS)->ToString());
  EXPECT_TRUE(schema.Column(2)->logical_type()->Equals(*parquet::LogicalType::Decimal(28, 12)));
  EXPECT_TRUE(schema.Column(3)->logical_type()->Equals(*parquet::LogicalType::Decimal(38, 18)));

  const SilverRows back = read_silver_table(store_, "silver/big.parquet", kSchema);
  ASSERT_EQ(back.size(), static_cast<std::size_t>(rows));
  EXPECT_EQ(back[rows - 1][4], std::to_string(rows - 1)) << "rows keep their order across groups";
}

TEST_F(SilverParquet, AFileOfAnotherSchemaIsRefusedNamingBoth) {
  write_rows("silver/t.parquet", 3);
  SilverSchema other = kSchema;
  other[2] = amount_column("price");
  try {
    SilverParquetReader reader(store_, "silver/t.parquet", other);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadPayload);
    EXPECT_NE(std::string(e.what()).find("silver/t.parquet"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("decimal128(38, 18)"), std::string::npos) << e.what();
  }
}

TEST_F(SilverParquet, CorruptOrTruncatedFilesAreRefused) {
  write_rows("silver/t.parquet", 5000);
  const std::string good = store_.read("silver/t.parquet");

  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x55);
  store_.put("silver/flipped.parquet", flipped);
  std::string truncated = good.substr(0, good.size() - 100);
  store_.put("silver/truncated.parquet", truncated);
  store_.put("silver/csv.parquet", "exchange,symbol\nbinance,BTC/USDT\n");

  for (const std::string key : {"silver/flipped.parquet", "silver/truncated.parquet", "silver/csv.parquet"}) {
    try {
      read_silver_table(store_, key, kSchema);
      FAIL() << key << " was read";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kBadPayload) << key << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

// A lake whose uploads fail once `room` bytes have gone through.
class FailingStore final : public lake::ObjectStore {
 public:
  explicit FailingStore(std::size_t room = 0) : room_(room) {}
  std::string url() const override { return "failing://"; }
  std::unique_ptr<lake::ObjectWriter> create(const std::string&,
                                             const lake::ObjectMetadata&) override {
    class Writer final : public lake::ObjectWriter {
     public:
      explicit Writer(std::size_t room) : room_(room) {}
      void write(std::string_view bytes) override {
        if (bytes.size() > room_) throw Error(ErrorKind::kStorage, "the disk is full (for the test)");
        room_ -= bytes.size();
      }
      void commit() override {}

     private:
      std::size_t room_;
    };
    return std::make_unique<Writer>(room_);
  }
  void read(const std::string& key, std::string&) const override {
    throw Error(ErrorKind::kNotFound, key);
  }
  lake::ObjectMetadata metadata(const std::string& key) const override {
    throw Error(ErrorKind::kNotFound, key);
  }
  bool exists(const std::string&) const override { return false; }
  std::vector<std::string> list(const std::string&) const override { return {}; }
  std::string locate(const std::string& key) const override { return key; }
  void sync() override {}

 private:
  std::size_t room_;
};

TEST_F(SilverParquet, TheLakesOwnErrorSurfacesWithItsKind) {
  FailingStore failing;
  try {
    SilverParquetWriter writer(failing, "silver/t.parquet", kSchema, 3);
    writer.text("a").timestamp(1).decimal("1").decimal("1").integer(1).boolean(true);
    EXPECT_FALSE(writer.end_row());
    writer.finish();
    FAIL() << "expected the lake's error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kStorage);
    EXPECT_STREQ(e.what(), "the disk is full (for the test)");
  }
}

// The encoder's thread writes the row groups: a lake that fails under it fails the table with
// the lake's own error, from whichever call comes next, and nothing is published.
TEST_F(SilverParquet, ALakeFailingMidTableFailsItWithTheLakesError) {
  FailingStore failing(64 * 1024);
  try {
    SilverParquetWriter writer(failing, "silver/t.parquet", kSchema, 3);
    for (int i = 0; i < 200'000; ++i) {
      const std::string price = std::to_string(i) + ".125";
      writer.text("BTC/USDT").timestamp(i).decimal(price).decimal(price).integer(i).boolean(i % 2);
      EXPECT_FALSE(writer.end_row());
    }
    writer.finish();
    FAIL() << "expected the lake's error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kStorage);
    EXPECT_STREQ(e.what(), "the disk is full (for the test)");
  }
}

TEST_F(SilverParquet, AWriterAbandonedMidTableStopsCleanlyAndPublishesNothing) {
  {
    SilverParquetWriter writer(store_, "silver/abandoned.parquet", kSchema, 3);
    for (int i = 0; i < 50'000; ++i) {
      writer.text("a").timestamp(i).decimal("1").decimal("2").integer(i).boolean(true);
      EXPECT_FALSE(writer.end_row());
    }
  }
  EXPECT_FALSE(store_.exists("silver/abandoned.parquet"));
}

TEST(SilverSchemaText, TypesAreNamedAsManifestsShowThem) {
  EXPECT_EQ(describe_type(price_column("p")), "decimal(28,12)");
  EXPECT_EQ(describe_type(amount_column("a")), "decimal(38,18)");
  EXPECT_EQ(describe_type({"t", ColumnType::kTimestampMs}), "timestamp[ms, UTC]");
  EXPECT_EQ(describe_type({"s"}), "string");
  EXPECT_EQ(describe_type({"i", ColumnType::kInt64}), "int64");
  EXPECT_EQ(describe_type({"b", ColumnType::kBool}), "bool");
  EXPECT_EQ(column_names(kSchema),
            (std::vector<std::string_view>{"name", "at", "price", "amount", "count", "flag"}));
}

}  // namespace
}  // namespace cryptopipe::transform
