#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace cryptopipe {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kJson, kText };

// Parses debug|info|warn|error and json|text; throws Error(kConfig) naming the bad value.
LogLevel parse_log_level(std::string_view text);
LogFormat parse_log_format(std::string_view text);

// Structured logs: one JSON object per line (ts, level, run_id, msg, then the logger's and the
// call's fields), or readable text for a terminal. Every line carries the run id. Copies of a
// Logger (and loggers made by with()) share one sink; writing is thread safe and never throws
// (values that are not UTF-8 are written with U+FFFD in their place).
class Logger {
 public:
  Logger(std::string run_id, LogFormat format, LogLevel min_level, std::FILE* out = stderr);

  // A logger that adds `fields` (e.g. asset, partition) to every line.
  Logger with(const nlohmann::json& fields) const;

  void log(LogLevel level, std::string_view message, const nlohmann::json& fields = {}) const;
  void debug(std::string_view m, const nlohmann::json& f = {}) const { log(LogLevel::kDebug, m, f); }
  void info(std::string_view m, const nlohmann::json& f = {}) const { log(LogLevel::kInfo, m, f); }
  void warn(std::string_view m, const nlohmann::json& f = {}) const { log(LogLevel::kWarn, m, f); }
  void error(std::string_view m, const nlohmann::json& f = {}) const { log(LogLevel::kError, m, f); }
  // A warning that no log level hides: for risks the user opted into, which must stay visible
  // even to someone who asked for errors only.
  void warn_unsilenced(std::string_view m, const nlohmann::json& f = {}) const {
    write(LogLevel::kWarn, m, f);
  }

  const std::string& run_id() const { return sink_->run_id; }

  // Also hands every record that passes the level to `forward` (with the logger's and the
  // call's fields merged), for all copies of this logger. Set it before logging from other
  // threads; it is called outside the sink's lock and must not log itself.
  using Forward =
      std::function<void(LogLevel, std::string_view message, const nlohmann::json& fields)>;
  void forward_to(Forward forward) const { sink_->forward = std::move(forward); }

 private:
  struct Sink {
    std::string run_id;
    LogFormat format;
    LogLevel min_level;
    std::FILE* out;
    std::mutex mutex;
    Forward forward;
  };
  Logger(std::shared_ptr<Sink> sink, nlohmann::json context)
      : sink_(std::move(sink)), context_(std::move(context)) {}
  void write(LogLevel level, std::string_view message, const nlohmann::json& fields) const;

  std::shared_ptr<Sink> sink_;
  nlohmann::json context_;
};

}  // namespace cryptopipe
