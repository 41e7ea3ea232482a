// Bybit's public trade history (https://public.bybit.com) from the synthetic market, under
// /bybit-data: spot/{MARKET}/{MARKET}_{YYYY-MM-DD}.csv.gz, a gzip CSV of the day's trades with
// the header id,timestamp,price,volume,side,rpi, published a while after the day ends. The
// fault switches apply (5xx, 429, latency; the gap leaves trades out; archive_corrupt and
// archive_drop act on the files whose name contains their text).
#pragma once

#include <httplib.h>

#include <cstdint>

#include "exchange_route.h"

namespace exchange_sim {

// `publication_delay_ms`: how long after its day ends a file appears (--archive-delay-ms).
void register_bybit_archive_routes(httplib::Server& server, const SimServices& services,
                                   std::int64_t publication_delay_ms);

}  // namespace exchange_sim
