#include "cryptopipe/core/error.h"

namespace cryptopipe {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput: return "invalid input";
    case ErrorKind::kConfig: return "configuration error";
    case ErrorKind::kRateLimited: return "rate limited";
    case ErrorKind::kBanned: return "banned";
    case ErrorKind::kTransient: return "transient error";
    case ErrorKind::kPermanent: return "request refused";
    case ErrorKind::kBadPayload: return "bad payload";
    case ErrorKind::kStorage: return "storage error";
    case ErrorKind::kAlreadyExists: return "already exists";
    case ErrorKind::kNotFound: return "not found";
  }
  return "error";
}

}  // namespace cryptopipe
