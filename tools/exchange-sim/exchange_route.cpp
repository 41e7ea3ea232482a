#include "exchange_route.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "response_encoding.h"

namespace exchange_sim {
namespace {

constexpr std::size_t kMalformedTailBytes = 7;

void answer_gateway_error(httplib::Response& response, int status) {
  response.status = status;
  response.set_content(status == 502 ? "502 Bad Gateway\n" : "503 Service Unavailable\n",
                       "text/plain; charset=utf-8");
}

// Keeps the status line and a Content-Length of the whole body but closes the connection after
// half of it, the way a dropped upstream connection looks to a client.
void cut_body_short(httplib::Response& response) {
  auto body = std::make_shared<std::string>(std::move(response.body));
  response.body.clear();
  const std::string content_type = response.get_header_value("Content-Type");
  // Set again below by set_content_provider; two Content-Type headers would be sent otherwise.
  response.headers.erase("Content-Type");
  response.set_content_provider(
      body->size(), content_type, [body](size_t offset, size_t, httplib::DataSink& sink) {
        const size_t half = body->size() / 2;
        if (offset < half) {
          sink.write(body->data() + offset, half - offset);
        }
        return false;  // aborts the transfer: httplib closes the connection
      });
}

// Drops the last bytes of the JSON: every proper prefix of an object or array is invalid JSON,
// and the Content-Length still matches what is sent, so only the parser notices.
void malform_body(httplib::Response& response) {
  const std::size_t dropped = std::min(kMalformedTailBytes, response.body.size() - 1);
  response.body.resize(response.body.size() - dropped);
}

}  // namespace

RouteHandler with_faults(FaultInjector& faults, InjectedFailureWording wording,
                         RouteHandler handler) {
  return [&faults, wording = std::move(wording), handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    const std::string client = request.remote_addr + ":" + std::to_string(request.remote_port);
    faults.check_early_retry(client);
    const FaultPlan plan = faults.plan_next_request();
    if (plan.latency.count() > 0) {
      faults.record_injected("delayed");
      std::this_thread::sleep_for(plan.latency);
    }
    if (plan.banned && wording.banned) {
      faults.record_injected("banned");
      wording.banned(response, plan.ban_s);
      return;
    }
    switch (plan.failure) {
      case InjectedFailure::kRateLimited:
        faults.record_injected("rate_limited");
        faults.note_retry_after(client, std::chrono::seconds(plan.retry_after_s));
        wording.rate_limited(response, plan.retry_after_s);
        return;
      case InjectedFailure::kServerError:
        faults.record_injected("server_error");
        if (plan.server_error_status == 500) {
          wording.internal_error(response);
        } else {
          answer_gateway_error(response, plan.server_error_status);
        }
        return;
      case InjectedFailure::kNone:
        break;
    }
    handler(request, response);
    if (response.status != 200 || response.body.empty()) {
      return;
    }
    if (plan.truncate_body) {
      faults.record_injected("truncated_body");
      cut_body_short(response);
    } else if (plan.malform_body) {
      faults.record_injected("malformed_body");
      malform_body(response);
    }
  };
}

RouteHandler with_gzip(RouteHandler handler) {
  return
      [handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        handler(request, response);
        gzip_json_if_accepted(request, response);
      };
}

}  // namespace exchange_sim
