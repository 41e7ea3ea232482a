// Binance's public bulk data (https://data.binance.vision) from the synthetic market, under
// /binance-data: daily and monthly kline zips with their .CHECKSUM files, as the real site lays
// them out, published a while after their period ends, and breakable on demand.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <cstdint>

#include "exchange_route.h"

namespace exchange_sim {

struct BinanceArchiveOptions {
  // How long after its day (or month) ends an archive appears.
  std::int64_t publication_delay_ms = 24 * 3'600'000;
  // Built archives kept for the next reader (a checksum and its zip are asked one after the
  // other): about 500 daily 1m zips.
  std::size_t cache_mib = 32;
  // Daily files of days before this one (ms) are not there, as Binance's daily files begin years
  // after its monthly ones: those days are in their months' files only.
  std::int64_t daily_from_ms = 0;
};

void register_binance_archive_routes(httplib::Server& server, const SimServices& services,
                                     const BinanceArchiveOptions& options);

}  // namespace exchange_sim
