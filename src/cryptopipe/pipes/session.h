#pragma once

#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "cryptopipe/core/log.h"
#include "cryptopipe/pipes/context.h"
#include "cryptopipe/pipes/message_channel.h"
#include "cryptopipe/pipes/metadata.h"

namespace cryptopipe::pipes {

enum class CheckSeverity { kWarn, kError };

// One Dagster Pipes session (protocol 0.1): the context Dagster passed, and the channel
// back to it. Sends "opened" when constructed and "closed" exactly once, last: from close(),
// or from the destructor if the process gets that far without calling it. Every message is
// validated before it is sent, because a message Dagster's handler rejects loses the rest of
// the session. Thread safe.
class PipesSession {
 public:
  // Reads DAGSTER_PIPES_CONTEXT and DAGSTER_PIPES_MESSAGES from the process environment.
  // nullptr when neither is set: cryptopipe runs standalone. Throws Error(kConfig) when they
  // are set but unusable (one without the other, bad encoding, unreadable context, channel
  // that cannot be opened): a process that ignored them would look like a success in Dagster.
  static std::unique_ptr<PipesSession> from_environment();
  // The same from the two encoded values.
  static std::unique_ptr<PipesSession> open(std::string_view context_param,
                                            std::string_view messages_param);

  PipesSession(PipesContext context, std::unique_ptr<MessageChannel> channel);
  ~PipesSession();
  PipesSession(const PipesSession&) = delete;
  PipesSession& operator=(const PipesSession&) = delete;

  const PipesContext& context() const { return context_; }

  // A line in Dagster's event log, live.
  void log(LogLevel level, std::string_view message);
  // At most one per asset key; `asset_key` must be one of context().asset_keys. Throws
  // Error(kInvalidInput) otherwise.
  void report_materialization(const std::string& asset_key, const Metadata& metadata);
  void report_check(const std::string& asset_key, const std::string& check_name, bool passed,
                    CheckSeverity severity, const Metadata& metadata);

  // Sends "closed", with the failure (and its std::nested_exception chain) when given. Later
  // calls do nothing; any other message after it throws.
  void close(std::exception_ptr failure = nullptr);

 private:
  void send(const std::string& method, nlohmann::json params);
  void check_asset_key(const std::string& asset_key) const;

  PipesContext context_;
  std::unique_ptr<MessageChannel> channel_;
  std::mutex mutex_;
  bool closed_ = false;
  std::set<std::string> materialized_;
};

// The envelope of one message: compact JSON with non-ASCII escaped, ending in '\n'.
std::string message_line(const std::string& method, const nlohmann::json& params);

// The PipesException object for `failure`: name, message, stack, cause (the nested chain),
// context.
nlohmann::json exception_json(std::exception_ptr failure);

}  // namespace cryptopipe::pipes
