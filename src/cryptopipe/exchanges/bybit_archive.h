#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/exchanges/archive.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Bybit's public trade history (https://public.bybit.com), the only place its past spot trades
// are: its REST API serves the latest 60 of a market and no more. Per market and finished UTC
// day, spot/{MARKET}/{MARKET}_{YYYY-MM-DD}.csv.gz: one gzip CSV whose header is
// `id,timestamp,price,volume,side,rpi` (files before the rpi column have five), ids numbering
// the day's trades from 1, times in milliseconds, the taker's side in lower case. No checksum
// file: gzip's CRC-32 and length of the content are what vouch for a file.
class BybitArchive final : public TradesArchive {
 public:
  static constexpr std::string_view kDefaultUrl = "https://public.bybit.com";

  explicit BybitArchive(std::unique_ptr<RestSession> session);

  // The day's file as sent, with the SHA-256 of its bytes; nullopt when not published. Its
  // integrity is proven by reading it (parse_bybit_trade_archive checks every gzip member's
  // CRC-32 and length), which the extract does before it keeps the file.
  std::optional<ArchiveFile> daily_trades(const Symbol& symbol, const UtcDay& day) override;

 private:
  std::unique_ptr<RestSession> session_;
};

// Reads a day's file into `trades` (replaced), oldest first as the file lists them: inflated
// into `text`, which the trades' views point into (valid until the next call with it). The
// file's ids restart every day, so a trade's id is the day and its number ("2025-05-19-1") and
// its sequence the number. Throws Error(kBadPayload) for bytes that are not a whole gzip file;
// a line that cannot be read is a trade with `malformed` set.
void parse_bybit_trade_archive(const std::string& gzip, const UtcDay& day, std::string& text,
                               std::vector<RawTrade>& trades);

}  // namespace cryptopipe::exchanges
