// Reading the CSV inside the venues' bulk archives: plain comma-separated lines, no quoting.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace cryptopipe::exchanges {

// The first fields of a line; returns how many it has (at most kMax).
template <std::size_t kMax>
std::size_t split_fields(std::string_view line, std::array<std::string_view, kMax>& fields) {
  std::size_t count = 0;
  while (count < kMax) {
    const std::size_t comma = line.find(',');
    fields[count++] = line.substr(0, comma);
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  return count;
}

// Calls `read` with every non-empty line of the text but a header: some archives start with
// one, and no data line starts with a letter. For a file read piece by piece, `first` says
// whether the piece starts the file and no line has been seen yet; it is updated.
template <typename Read>
void for_each_data_line(std::string_view text, Read read, bool& first) {
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const bool header = first && (line.front() < '0' || line.front() > '9');
    first = false;
    if (!header) read(line);
  }
}

template <typename Read>
void for_each_data_line(std::string_view text, Read read) {
  bool first = true;
  for_each_data_line(text, read, first);
}

}  // namespace cryptopipe::exchanges
