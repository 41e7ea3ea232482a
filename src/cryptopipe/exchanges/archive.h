#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// One bulk archive of a finished period as published: the file byte for byte, and what vouches
// for it.
struct ArchiveFile {
  RawResponse file;
  // The venue's checksum file beside it (Binance's .CHECKSUM); empty where it publishes none.
  std::string checksum_url;
  // The file's SHA-256 in lower-case hex: the one its checksum file states (and the file
  // matched), or, where there is none, the one computed from the bytes received.
  std::string checksum;
  std::string extension;     // how the lake keeps it: "zip", "csv.gz"
  std::string content_type;  // "application/zip", "application/gzip"
};

// A venue's bulk archive of its public trades: a file per market and finished UTC day, published
// a while after the day ends (Binance's aggTrades zips, Bybit's spot trade files).
class TradesArchive {
 public:
  virtual ~TradesArchive() = default;

  // The day's file of the market; nullopt when it is not published (404). Where the venue
  // publishes a checksum the file is verified against it, and Error(kBadPayload) naming the file
  // thrown when it fails; where it publishes none, reading the file (the registry's
  // parse_trades_archive) is its verification. The session's errors for the rest.
  virtual std::optional<ArchiveFile> daily_trades(const Symbol& symbol, const UtcDay& day) = 0;
};

// How an archive site's answer is judged (`site` names it in errors): 404 and 403 (S3's answer
// for a key that is not there) are kNotFound, 429 kRateLimited, 5xx kTransient.
RestSession::ResponseCheck archive_response_check(std::string_view site);

}  // namespace cryptopipe::exchanges
