#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::coinbase {

// GET /products: every product, never paginated (what ccxt's fetchMarkets reads).
void answer_products(const httplib::Request& request, httplib::Response& response,
                     const SimClock& clock);
// GET /currencies: every asset of the products (what ccxt's fetchCurrencies reads).
void answer_currencies(const httplib::Request& request, httplib::Response& response,
                       const SimClock& clock);
// GET /products/stats: {id: {stats_30day, stats_24hour}} for every product, in one answer.
void answer_all_stats(const httplib::Request& request, httplib::Response& response,
                      const SimClock& clock);
// GET /products/{id}/stats: one product's 24 h open, high, low, last and volumes.
void answer_product_stats(const httplib::Request& request, httplib::Response& response,
                          const SimClock& clock);
// GET /products/{id}/ticker: the last trade, best bid and ask and the 24 h volume.
void answer_ticker(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock);
// GET /products/spark-lines: each product's last 24 hourly candles [t, low, high, open, close],
// newest first (what ccxt's fetchTickers reads).
void answer_spark_lines(const httplib::Request& request, httplib::Response& response,
                        const SimClock& clock);
// GET /products/{id}/book: level 1 (the default, best bid and ask) or 2 (the aggregated book,
// 1000 levels a side here), levels [price, size, num_orders].
void answer_book(const httplib::Request& request, httplib::Response& response,
                 const SimClock& clock);

}  // namespace exchange_sim::coinbase
