// Helpers shared by the unit tests: a fake clock, scratch folders, captured log output and an
// assertion on the engine's Error (its kind and what its message names).
#pragma once

#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/time.h"

namespace cryptopipe::unit {

// Time stands still until someone sleeps: sleep_for() advances it by exactly the duration
// and records the duration, so waits are checked without waiting.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimestampMs start = 1'700'000'000'000) : now_(start) {}

  TimestampMs now_ms() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void sleep_for(std::chrono::milliseconds duration) override {
    std::lock_guard lock(mutex_);
    sleeps_.push_back(duration);
    now_ += duration.count();
  }
  void advance(TimestampMs ms) {
    std::lock_guard lock(mutex_);
    now_ += ms;
  }
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }
  TimestampMs total_slept_ms() const {
    std::lock_guard lock(mutex_);
    TimestampMs total = 0;
    for (const auto& sleep : sleeps_) total += sleep.count();
    return total;
  }

 private:
  mutable std::mutex mutex_;
  TimestampMs now_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

// A fresh folder, removed with its content on destruction: the suites' shared TempDir.
using ScratchDir = cryptopipe::testing::TempDir;

// A FILE* that loggers write to, and what was written.
class CapturedOutput {
 public:
  CapturedOutput() : file_(std::tmpfile()) {
    if (file_ == nullptr) throw std::runtime_error("tmpfile failed");
  }
  CapturedOutput(const CapturedOutput&) = delete;
  CapturedOutput& operator=(const CapturedOutput&) = delete;
  ~CapturedOutput() { std::fclose(file_); }

  std::FILE* file() const { return file_; }
  std::string text() const {
    std::fflush(file_);
    const long end = std::ftell(file_);
    std::string out(static_cast<std::size_t>(end), '\0');
    std::rewind(file_);
    const std::size_t got = std::fread(out.data(), 1, out.size(), file_);
    out.resize(got);
    std::fseek(file_, 0, SEEK_END);
    return out;
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    const std::string all = text();
    std::size_t start = 0;
    while (start < all.size()) {
      const std::size_t newline = all.find('\n', start);
      if (newline == std::string::npos) {
        out.push_back(all.substr(start));
        break;
      }
      out.push_back(all.substr(start, newline - start));
      start = newline + 1;
    }
    return out;
  }

 private:
  std::FILE* file_;
};

// EXPECT_TRUE(ThrowsError([&] { ... }, ErrorKind::kX, {"what", "the message names"}));
template <typename Fn>
::testing::AssertionResult ThrowsError(Fn&& fn, ErrorKind kind,
                                       std::initializer_list<std::string_view> needles = {}) {
  try {
    fn();
  } catch (const Error& error) {
    const std::string message = error.what();
    if (error.kind() != kind) {
      return ::testing::AssertionFailure()
             << "threw kind '" << to_string(error.kind()) << "' instead of '" << to_string(kind)
             << "': " << message;
    }
    for (const std::string_view needle : needles) {
      if (message.find(needle) == std::string::npos) {
        return ::testing::AssertionFailure()
               << "message does not name '" << needle << "': " << message;
      }
    }
    return ::testing::AssertionSuccess() << message;
  } catch (const std::exception& other) {
    return ::testing::AssertionFailure() << "threw a non-Error exception: " << other.what();
  }
  return ::testing::AssertionFailure() << "did not throw (expected '" << to_string(kind) << "')";
}

// Whether `text` contains `needle`, for messages that say which.
inline bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

}  // namespace cryptopipe::unit
