#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::kraken {

// GET /0/public/OHLC: pair, interval in minutes (1 5 15 30 60 240 1440 10080 21600, default 1),
// since in seconds. Only the 720 most recent candles exist, the one still open last; of those
// the rows opening after `since` come, oldest first, as [time s, open, high, low, close, vwap,
// volume, count], with "last", the newest closed candle's time.
void answer_ohlc(const httplib::Request& request, httplib::Response& response,
                 const SimClock& clock);
// GET /0/public/Ticker: pair=a,b (every pair without it); a, b, c, v, p, t, l, h as
// [today, last 24 h] arrays (a, b, c as Kraken lays them out), o today's open.
void answer_ticker(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock);
// GET /0/public/Depth: pair, count 1 to 500 (default 100); levels [price, volume, time s].
void answer_depth(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock);
// GET /0/public/AssetPairs: every pair (what ccxt's fetchMarkets reads).
void answer_asset_pairs(const httplib::Request& request, httplib::Response& response,
                        const SimClock& clock);
// GET /0/public/Assets: every asset of the pairs (what ccxt's fetchCurrencies reads).
void answer_assets(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock);

}  // namespace exchange_sim::kraken
