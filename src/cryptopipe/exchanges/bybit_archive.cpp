#include "cryptopipe/exchanges/bybit_archive.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/archive_csv.h"
#include "cryptopipe/lake/content_hash.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::string_view kName = "bybit-archive";
// public.bybit.com is a static site with no published budget: a request is one unit.
constexpr double kRequestWeight = 1;
// "YYYY-MM-DD-" and a trade number of at most 19 digits.
constexpr std::size_t kMaxIdLength = 11 + 19;

[[noreturn]] void not_gzip(const std::string& why) {
  throw Error(ErrorKind::kBadPayload, "bybit archive: not a whole gzip file: " + why);
}

struct InflateEnd {
  void operator()(z_stream* stream) const { inflateEnd(stream); }
};

// Inflates every member of a gzip file into `out`: zlib checks each member's CRC-32 and length.
void gunzip(const std::string& gzip, std::string& out) {
  out.clear();
  if (gzip.empty()) not_gzip("no bytes");
  z_stream stream{};
  // 16 + MAX_WBITS: a gzip wrapper, not zlib's own.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) not_gzip("zlib could not start");
  const std::unique_ptr<z_stream, InflateEnd> guard(&stream);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzip.data()));
  std::size_t left = gzip.size();
  std::array<char, 1 << 16> chunk;
  while (true) {
    const auto take = static_cast<uInt>(std::min<std::size_t>(left, std::numeric_limits<uInt>::max()));
    stream.avail_in += take;
    left -= take;
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    const int status = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk.data(), chunk.size() - stream.avail_out);
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0 && left == 0) return;
      if (inflateReset(&stream) != Z_OK) not_gzip("zlib could not read the next member");
      continue;
    }
    if (status == Z_BUF_ERROR && stream.avail_in == 0 && left == 0) not_gzip("it ends early");
    if (status != Z_OK && status != Z_BUF_ERROR) {
      not_gzip(stream.msg != nullptr ? stream.msg : "zlib error " + std::to_string(status));
    }
  }
}

bool read_int(std::string_view text, std::int64_t& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

BybitArchive::BybitArchive(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::optional<ArchiveFile> BybitArchive::daily_trades(const Symbol& symbol, const UtcDay& day) {
  const std::string market = symbol.base() + symbol.quote();
  ArchiveFile archive{.extension = "csv.gz", .content_type = "application/gzip"};
  try {
    archive.file = session_->get("/spot/" + market + "/" + market + "_" + day.to_string() + ".csv.gz",
                                 {}, kRequestWeight, archive_response_check(kName));
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kNotFound) return std::nullopt;
    throw;
  }
  archive.checksum = lake::sha256_hex(archive.file.body);
  return archive;
}

void parse_bybit_trade_archive(const std::string& gzip, const UtcDay& day, std::string& text,
                               std::vector<RawTrade>& trades) {
  gunzip(gzip, text);
  trades.clear();
  // The trades' ids are written after the CSV, in room reserved now: appending within the
  // capacity moves nothing, so the views into the CSV stay valid.
  const std::size_t csv_size = text.size();
  text.reserve(csv_size + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n') + 1) *
                              kMaxIdLength);
  const std::string id_prefix = day.to_string() + "-";
  for_each_data_line(std::string_view(text.data(), csv_size), [&](std::string_view line) {
    constexpr std::size_t kColumns = 6;
    RawTrade& trade = trades.emplace_back();
    std::array<std::string_view, kColumns> fields;
    std::int64_t number = 0;
    if (split_fields(line, fields) < 5) {
      trade.malformed = "line has too few fields";
      return;
    }
    if (!read_int(fields[0], number) || number < 1 ||
        !read_int(fields[1], trade.ts) || trade.ts < 0) {
      trade.malformed = "bad trade number or time";
      return;
    }
    // Written from the number, so that the id and the sequence never disagree (a "07" in the
    // file is trade 7).
    const std::size_t id_at = text.size();
    text += id_prefix;
    std::array<char, 20> digits;
    text.append(digits.data(), std::to_chars(digits.begin(), digits.end(), number).ptr);
    trade.id = std::string_view(text.data() + id_at, text.size() - id_at);
    trade.sequence = number;
    trade.price = fields[2];
    trade.amount = fields[3];
    trade.side = fields[4];
  });
}

}  // namespace cryptopipe::exchanges
