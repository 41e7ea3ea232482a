#pragma once

#include <httplib.h>

namespace exchange_sim {

// Gzips a JSON body when the client accepts gzip. httplib 0.11 compresses text/* and a bare
// "application/json" itself but not exchanges' "application/json;charset=UTF-8", so JSON bodies are
// compressed here and everything else is left to httplib (compressing twice would corrupt it).
void gzip_json_if_accepted(const httplib::Request& request, httplib::Response& response);

}  // namespace exchange_sim
