#include "support/exchange_json.h"

#include <fstream>
#include <regex>
#include <stdexcept>

#include "support/process.h"

namespace cryptopipe::testing {

std::int64_t decimal_text_units(std::string_view text) {
  static const std::regex kDecimal(R"((-?)(\d{1,11})(?:\.(\d{1,8}))?)");
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_match(text.begin(), text.end(), match, kDecimal)) {
    throw std::invalid_argument("not a decimal with at most eight places: '" + std::string(text) +
                                "'");
  }
  const std::string fraction = (match[3].str() + "00000000").substr(0, 8);
  const std::int64_t units = std::stoll(match[2].str()) * 100'000'000 + std::stoll(fraction);
  return match[1].length() > 0 ? -units : units;
}

std::string json_type(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::string:
      return "string";
    case nlohmann::ordered_json::value_t::number_integer:
    case nlohmann::ordered_json::value_t::number_unsigned:
      return "integer";
    case nlohmann::ordered_json::value_t::number_float:
      return "float";
    case nlohmann::ordered_json::value_t::boolean:
      return "boolean";
    case nlohmann::ordered_json::value_t::object:
      return "object";
    case nlohmann::ordered_json::value_t::array:
      return "array";
    default:
      return "null";
  }
}

std::vector<std::pair<std::string, std::string>> key_types(const nlohmann::ordered_json& object) {
  std::vector<std::pair<std::string, std::string>> types;
  for (const auto& [key, value] : object.items()) {
    types.emplace_back(key, json_type(value));
  }
  return types;
}

std::vector<std::string> element_types(const nlohmann::ordered_json& array) {
  std::vector<std::string> types;
  for (const auto& element : array) {
    types.push_back(json_type(element));
  }
  return types;
}

nlohmann::ordered_json get_ordered_json(const Simulator& simulator,
                                        const std::string& path_and_query) {
  const httplib::Result result = simulator.get(path_and_query);
  if (!result || result->status != 200) {
    throw std::runtime_error("GET " + path_and_query + " failed: " +
                             (result ? std::to_string(result->status) + " " + result->body
                                     : httplib::to_string(result.error())));
  }
  return nlohmann::ordered_json::parse(result->body);
}

nlohmann::ordered_json fixture_response(const std::string& case_file) {
  const std::string path = fixtures_dir() + "/ccxt-static/" + case_file;
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read fixture " + path);
  }
  return nlohmann::ordered_json::parse(in).at("httpResponse");
}

namespace {

// Collects scalars two arrays deep; nlohmann hands a float its original text.
class RowsAsSent final : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::vector<std::vector<std::string>> rows;

  bool null() override { return scalar("null"); }
  bool boolean(bool value) override { return scalar(value ? "true" : "false"); }
  bool number_integer(number_integer_t value) override { return scalar(std::to_string(value)); }
  bool number_unsigned(number_unsigned_t value) override { return scalar(std::to_string(value)); }
  bool number_float(number_float_t, const string_t& text) override { return scalar(text); }
  bool string(string_t& value) override { return scalar(value); }
  bool binary(binary_t&) override { return shape_error(); }
  bool start_object(std::size_t) override { return shape_error(); }
  bool key(string_t&) override { return shape_error(); }
  bool end_object() override { return shape_error(); }
  bool start_array(std::size_t) override {
    if (++depth_ > 2) return shape_error();
    if (depth_ == 2) rows.emplace_back();
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error)
      override {
    throw std::runtime_error(std::string("not JSON: ") + error.what());
  }

 private:
  bool scalar(std::string text) {
    if (depth_ != 2) return shape_error();
    rows.back().push_back(std::move(text));
    return true;
  }
  static bool shape_error() { throw std::runtime_error("not an array of arrays of scalars"); }

  int depth_ = 0;
};

}  // namespace

std::vector<std::vector<std::string>> rows_as_sent(const std::string& body) {
  RowsAsSent rows;
  nlohmann::json::sax_parse(body, &rows);
  return std::move(rows.rows);
}

}  // namespace cryptopipe::testing
