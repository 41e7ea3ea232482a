#include "cryptopipe/pipes/session.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "cryptopipe/core/error.h"
#include "cryptopipe/pipes/encoding.h"

namespace cryptopipe::pipes {
namespace {

constexpr const char* kContextVariable = "DAGSTER_PIPES_CONTEXT";
constexpr const char* kMessagesVariable = "DAGSTER_PIPES_MESSAGES";
constexpr const char* kProtocolVersion = "0.1";

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
  }
  return "INFO";
}

std::string type_name(const std::exception& e) {
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status), &std::free);
  return status == 0 && demangled ? demangled.get() : typeid(e).name();
}

}  // namespace

nlohmann::json exception_json(std::exception_ptr failure) {
  nlohmann::json out = {{"name", nullptr},
                        {"message", "unknown exception"},
                        {"stack", nlohmann::json::array()},
                        {"cause", nullptr},
                        {"context", nullptr}};
  try {
    std::rethrow_exception(failure);
  } catch (const Error& e) {
    out["name"] = type_name(e) + "(" + std::string(to_string(e.kind())) + ")";
    out["message"] = e.what();
  } catch (const std::exception& e) {
    out["name"] = type_name(e);
    out["message"] = e.what();
  } catch (...) {
  }
  try {
    std::rethrow_exception(failure);
  } catch (const std::nested_exception& nested) {
    if (nested.nested_ptr()) out["cause"] = exception_json(nested.nested_ptr());
  } catch (...) {
  }
  return out;
}

std::string message_line(const std::string& method, const nlohmann::json& params) {
  const nlohmann::json message = {
      {"__dagster_pipes_version", kProtocolVersion}, {"method", method}, {"params", params}};
  return message.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) + "\n";
}

std::unique_ptr<PipesSession> PipesSession::from_environment() {
  const char* context = std::getenv(kContextVariable);
  const char* messages = std::getenv(kMessagesVariable);
  if (context == nullptr && messages == nullptr) return nullptr;
  if (context == nullptr || messages == nullptr) {
    throw Error(ErrorKind::kConfig,
                std::string("Dagster Pipes: ") +
                    (context == nullptr ? kMessagesVariable : kContextVariable) + " is set but " +
                    (context == nullptr ? kContextVariable : kMessagesVariable) + " is not");
  }
  return open(context, messages);
}

std::unique_ptr<PipesSession> PipesSession::open(std::string_view context_param,
                                                 std::string_view messages_param) {
  const nlohmann::json context_params = decode_param(context_param, kContextVariable);
  const nlohmann::json messages_params = decode_param(messages_param, kMessagesVariable);
  PipesContext context = load_context(context_params);
  return std::make_unique<PipesSession>(std::move(context), open_channel(messages_params));
}

PipesSession::PipesSession(PipesContext context, std::unique_ptr<MessageChannel> channel)
    : context_(std::move(context)), channel_(std::move(channel)) {
  send("opened", {{"extras", nlohmann::json::object()}});
}

PipesSession::~PipesSession() {
  try {
    close();
  } catch (...) {
    // Nothing is left to report to when the channel itself fails while unwinding.
  }
}

void PipesSession::send(const std::string& method, nlohmann::json params) {
  const std::string line = message_line(method, params);
  std::lock_guard lock(mutex_);
  if (closed_) throw Error(ErrorKind::kInvalidInput, "Dagster Pipes: " + method + " after closed");
  channel_->send(line);
}

void PipesSession::check_asset_key(const std::string& asset_key) const {
  if (!context_.asset_keys) return;
  for (const std::string& key : *context_.asset_keys) {
    if (key == asset_key) return;
  }
  throw Error(ErrorKind::kInvalidInput,
              "Dagster Pipes: asset " + asset_key + " is not among the step's asset keys");
}

void PipesSession::log(LogLevel level, std::string_view message) {
  send("log", {{"message", message}, {"level", level_name(level)}});
}

void PipesSession::report_materialization(const std::string& asset_key, const Metadata& metadata) {
  check_asset_key(asset_key);
  {
    std::lock_guard lock(mutex_);
    if (!materialized_.insert(asset_key).second) {
      throw Error(ErrorKind::kInvalidInput,
                  "Dagster Pipes: asset " + asset_key + " was already reported materialized");
    }
  }
  send("report_asset_materialization",
       {{"asset_key", asset_key}, {"metadata", to_json(metadata)}, {"data_version", nullptr}});
}

void PipesSession::report_check(const std::string& asset_key, const std::string& check_name,
                                bool passed, CheckSeverity severity, const Metadata& metadata) {
  check_asset_key(asset_key);
  send("report_asset_check", {{"asset_key", asset_key},
                              {"check_name", check_name},
                              {"passed", passed},
                              {"severity", severity == CheckSeverity::kWarn ? "WARN" : "ERROR"},
                              {"metadata", to_json(metadata)}});
}

void PipesSession::close(std::exception_ptr failure) {
  nlohmann::json params = nlohmann::json::object();
  if (failure) params["exception"] = exception_json(failure);
  const std::string line = message_line("closed", params);
  std::lock_guard lock(mutex_);
  if (closed_) return;
  closed_ = true;
  channel_->send(line);
  channel_->finish();
}

}  // namespace cryptopipe::pipes
