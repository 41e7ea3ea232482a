#include "cryptopipe/core/log.h"

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/time.h"

namespace cryptopipe {
namespace {

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

LogLevel parse_log_level(std::string_view text) {
  for (const LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (level_name(level) == text) return level;
  }
  throw Error(ErrorKind::kConfig,
              "bad log level '" + std::string(text) + "': expected debug, info, warn or error");
}

LogFormat parse_log_format(std::string_view text) {
  if (text == "json") return LogFormat::kJson;
  if (text == "text") return LogFormat::kText;
  throw Error(ErrorKind::kConfig, "bad log format '" + std::string(text) + "': expected json or text");
}

Logger::Logger(std::string run_id, LogFormat format, LogLevel min_level, std::FILE* out)
    : sink_(std::make_shared<Sink>()), context_(nlohmann::json::object()) {
  sink_->run_id = std::move(run_id);
  sink_->format = format;
  sink_->min_level = min_level;
  sink_->out = out;
}

Logger Logger::with(const nlohmann::json& fields) const {
  nlohmann::json merged = context_;
  merged.update(fields);
  return Logger(sink_, std::move(merged));
}

void Logger::log(LogLevel level, std::string_view message, const nlohmann::json& fields) const {
  if (level >= sink_->min_level) write(level, message, fields);
}

void Logger::write(LogLevel level, std::string_view message, const nlohmann::json& fields) const {
  const std::string ts = format_iso8601(SystemClock().now_ms());
  std::string line;
  if (sink_->format == LogFormat::kJson) {
    nlohmann::ordered_json record;
    record["ts"] = ts;
    record["level"] = level_name(level);
    record["run_id"] = sink_->run_id;
    record["msg"] = message;
    for (const auto& [key, value] : context_.items()) record[key] = value;
    if (fields.is_object()) {
      for (const auto& [key, value] : fields.items()) record[key] = value;
    }
    line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = ts.substr(11, 12) + " " + std::string(level_name(level)) + " " + std::string(message);
    const auto text_of = [](const nlohmann::json& value) {
      return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    for (const auto& [key, value] : context_.items()) line += " " + key + "=" + text_of(value);
    if (fields.is_object()) {
      for (const auto& [key, value] : fields.items()) line += " " + key + "=" + text_of(value);
    }
    line += " run_id=" + sink_->run_id;
  }
  line += '\n';
  {
    std::lock_guard lock(sink_->mutex);
    std::fwrite(line.data(), 1, line.size(), sink_->out);
    std::fflush(sink_->out);
  }
  if (sink_->forward) {
    nlohmann::json merged = context_;
    if (fields.is_object()) merged.update(fields);
    try {
      sink_->forward(level, message, merged);
    } catch (const std::exception&) {
      // The line is on stderr already, and logging is called from worker threads, where an
      // exception would end the process. A broken channel (Dagster Pipes) is reported by its
      // owner when it closes.
    }
  }
}

}  // namespace cryptopipe
