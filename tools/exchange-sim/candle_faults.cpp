#include "candle_faults.h"

#include <algorithm>
#include <random>
#include <string>
#include <utility>

#include "hashing.h"

namespace exchange_sim {
namespace {

using nlohmann::ordered_json;

std::int64_t open_time_ms(const ordered_json& row, const CandleRowsLayout& layout) {
  const ordered_json& field = *layout.time_key != '\0' ? row.at(layout.time_key) : row.at(0);
  const std::int64_t unit_ms = layout.open_time_unit_ms;
  const std::int64_t value =
      field.is_string() ? std::stoll(field.get<std::string>()) : field.get<std::int64_t>();
  return value * unit_ms;
}

// Whether candle number `index` of the answer is sent twice: a uniform draw in [0, 1) from the
// answer's seed, the same on every platform.
bool duplicated(const CandleFaultPlan& plan, std::uint64_t index) {
  const double uniform = static_cast<double>(hash_parts({plan.seed, index}) >> 11) * 0x1.0p-53;
  return uniform < plan.duplicate_rate;
}

ordered_json faulty_rows(const ordered_json& rows, const CandleFaultPlan& plan,
                         const CandleRowsLayout& layout, FaultInjector& faults) {
  ordered_json out = ordered_json::array();
  std::uint64_t index = 0;
  for (const ordered_json& row : rows) {
    const std::int64_t open_time = open_time_ms(row, layout);
    if (open_time >= plan.gap_from_ms && open_time < plan.gap_to_ms) {
      faults.record_injected("gap_candle");
      continue;
    }
    out.push_back(row);
    if (duplicated(plan, index++)) {
      faults.record_injected("duplicated_candle");
      out.push_back(row);
    }
  }
  if (plan.shuffle && out.size() > 1) {
    faults.record_injected("shuffled_page");
    // std::shuffle's sequence depends on the standard library; the tests need only some order
    // other than the exchange's.
    std::mt19937_64 random(plan.seed);
    std::shuffle(out.begin(), out.end(), random);
  }
  return out;
}

}  // namespace

RouteHandler with_candle_faults(FaultInjector& faults, CandleRowsLayout layout,
                                RouteHandler handler) {
  return [&faults, layout = std::move(layout), handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    handler(request, response);
    const CandleFaultPlan plan = faults.plan_candle_answer();
    if (response.status != 200 || !plan.active()) return;
    ordered_json body = ordered_json::parse(response.body);
    if (!body.contains(layout.rows)) return;  // an error answered with HTTP 200 (Kraken)
    ordered_json* rows = &body.at(layout.rows);
    if (layout.rows_under_first_key) {
      if (!rows->is_object() || rows->empty()) return;
      rows = &rows->front();
    }
    *rows = faulty_rows(*rows, plan, layout, faults);
    const std::string content_type = response.get_header_value("Content-Type");
    // set_content adds its own Content-Type header; two would be sent otherwise.
    response.headers.erase("Content-Type");
    response.set_content(body.dump(), content_type);
  };
}

}  // namespace exchange_sim
