#include "cryptopipe/exchanges/perp_points.h"

#include <algorithm>
#include <deque>
#include <string>

#include "cryptopipe/exchanges/json_text.h"

namespace cryptopipe::exchanges {
namespace {

// The integer values of the last read_perp_points on this thread as text, which the DOM does
// not keep; a deque does not move its strings as it grows.
std::deque<std::string>& thread_integer_texts() {
  thread_local std::deque<std::string> texts;
  return texts;
}

}  // namespace

RawPerpPoint read_perp_point(simdjson::dom::element entry, const PerpPointShape& shape) {
  RawPerpPoint point;
  simdjson::dom::object object;
  if (entry.get_object().get(object)) {
    point.malformed = "point is not an object";
    return point;
  }
  simdjson::dom::element value;
  if (object[shape.time_key].get(value) || !read_integer(value, point.ts) ||
      (shape.time_in_seconds && __builtin_mul_overflow(point.ts, kMillisPerSecond, &point.ts))) {
    point.malformed = "its time is not an integer";
    return point;
  }
  if (!object[shape.value_key].get(value)) {
    std::int64_t integer = 0;
    if (!shape.value_is_integer) {
      point.value = string_text(value);
    } else if (read_integer(value, integer)) {
      point.value = thread_integer_texts().emplace_back(std::to_string(integer));
    }
  }
  if (!shape.value2_key.empty() && !object[shape.value2_key].get(value)) {
    point.value2 = string_text(value);
  }
  return point;
}

void read_perp_points(simdjson::dom::array list, const PerpPointShape& shape,
                      std::vector<RawPerpPoint>& points) {
  points.clear();
  thread_integer_texts().clear();
  points.reserve(list.size());
  for (const simdjson::dom::element entry : list) points.push_back(read_perp_point(entry, shape));
  const auto by_time = [](const RawPerpPoint& a, const RawPerpPoint& b) { return a.ts < b.ts; };
  if (!std::is_sorted(points.begin(), points.end(), by_time) &&
      std::is_sorted(points.rbegin(), points.rend(), by_time)) {
    std::reverse(points.begin(), points.end());
  }
}

}  // namespace cryptopipe::exchanges
