#include "sim_admin_routes.h"

#include <stdexcept>

namespace exchange_sim {
namespace {

void answer(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

}  // namespace

void register_admin_routes(httplib::Server& server, FaultInjector& faults,
                           const RequestStats& stats) {
  server.Get("/_sim/faults", [&faults](const httplib::Request&, httplib::Response& response) {
    answer(response, 200, to_json(faults.settings()));
  });

  server.Post(
      "/_sim/faults", [&faults](const httplib::Request& request, httplib::Response& response) {
        try {
          const FaultSettings updated = faults.apply_changes(nlohmann::json::parse(request.body));
          answer(response, 200, to_json(updated));
        } catch (const std::exception& error) {
          answer(response, 400, {{"error", error.what()}});
        }
      });

  server.Get("/_sim/stats",
             [&faults, &stats](const httplib::Request&, httplib::Response& response) {
               nlohmann::json body = stats.to_json();
               body["injected_faults"] = faults.injected_counts();
               answer(response, 200, body);
             });
}

}  // namespace exchange_sim
