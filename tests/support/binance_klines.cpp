#include "support/binance_klines.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

namespace cryptopipe::testing {
namespace {

constexpr std::size_t kFieldsPerRow = 12;

std::int64_t integer_field(const nlohmann::json& row, std::size_t index) {
  if (!row[index].is_number_integer()) {
    throw std::invalid_argument("kline field " + std::to_string(index) +
                                " is not an integer: " + row[index].dump());
  }
  return row[index].get<std::int64_t>();
}

std::int64_t decimal_field(const nlohmann::json& row, std::size_t index) {
  if (!row[index].is_string()) {
    throw std::invalid_argument("kline field " + std::to_string(index) +
                                " is not a string: " + row[index].dump());
  }
  return decimal_units(row[index].get<std::string>());
}

}  // namespace

std::int64_t decimal_units(std::string_view text) {
  static const std::regex kEightDecimals(R"((\d{1,11})\.(\d{8}))");
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_match(text.begin(), text.end(), match, kEightDecimals)) {
    throw std::invalid_argument("not a decimal with exactly eight places: '" + std::string(text) +
                                "'");
  }
  std::int64_t units = 0;
  if (__builtin_mul_overflow(std::stoll(match[1].str()), std::int64_t{100'000'000}, &units)) {
    throw std::invalid_argument("decimal too large for int64 units: '" + std::string(text) + "'");
  }
  return units + std::stoll(match[2].str());
}

std::vector<BinanceKline> parse_binance_klines(const std::string& body) {
  const nlohmann::json rows = nlohmann::json::parse(body);
  if (!rows.is_array()) {
    throw std::invalid_argument("klines body is not an array: " + body.substr(0, 200));
  }
  std::vector<BinanceKline> klines;
  for (const auto& row : rows) {
    if (!row.is_array() || row.size() != kFieldsPerRow) {
      throw std::invalid_argument("kline row is not a 12-element array: " + row.dump());
    }
    if (!row[11].is_string()) {
      throw std::invalid_argument("kline field 11 is not a string: " + row.dump());
    }
    klines.push_back({integer_field(row, 0), decimal_field(row, 1), decimal_field(row, 2),
                      decimal_field(row, 3), decimal_field(row, 4), decimal_field(row, 5),
                      integer_field(row, 6), decimal_field(row, 7), integer_field(row, 8),
                      decimal_field(row, 9), decimal_field(row, 10), row[11].get<std::string>()});
  }
  return klines;
}

}  // namespace cryptopipe::testing
