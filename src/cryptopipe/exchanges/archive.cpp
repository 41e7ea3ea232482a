#include "cryptopipe/exchanges/archive.h"

#include <chrono>

#include "cryptopipe/core/error.h"

namespace cryptopipe::exchanges {

RestSession::ResponseCheck archive_response_check(std::string_view site) {
  return [site = std::string(site)](const RawResponse& raw, const net::HttpResponse&) {
    if (raw.status == 200) return;
    const std::string what =
        site + ": GET " + raw.url + " answered HTTP " + std::to_string(raw.status);
    if (raw.status == 404 || raw.status == 403) throw Error(ErrorKind::kNotFound, what);
    if (raw.status == 429) throw Error(ErrorKind::kRateLimited, what, std::chrono::seconds(1));
    if (raw.status >= 500) throw Error(ErrorKind::kTransient, what);
    throw Error(ErrorKind::kPermanent, what);
  };
}

}  // namespace cryptopipe::exchanges
