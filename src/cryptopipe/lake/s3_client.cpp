#include "cryptopipe/lake/s3_client.h"

#include <pugixml.hpp>

#include "cryptopipe/lake/content_hash.h"

namespace cryptopipe::lake {
namespace {

constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string xml_error_field(const std::string& body, const char* field) {
  pugi::xml_document document;
  if (!document.load_buffer(body.data(), body.size())) return "";
  return document.child("Error").child(field).text().get();
}

// Answers worth another attempt: the server is busy or failed for the moment.
bool is_retryable(const net::HttpResponse& response) {
  if (response.status >= 500 || response.status == 429) return true;
  if (response.status < 400) return false;  // bodies of successes are objects, not errors
  const std::string code = s3_error_code(response);
  return code == "SlowDown" || code == "RequestTimeout" || code == "InternalError";
}

}  // namespace

// Idle HTTP clients, each keeping its connection open: a caller leases one, and gives it back
// when its call is done.
class S3Client::Pool {
 public:
  explicit Pool(net::HttpOptions options) : options_(std::move(options)) {}

  std::unique_ptr<net::HttpClient> take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<net::HttpClient> client = std::move(idle_.back());
        idle_.pop_back();
        return client;
      }
    }
    return std::make_unique<net::HttpClient>(options_);
  }

  void give_back(std::unique_ptr<net::HttpClient> client) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(client));
  }

 private:
  net::HttpOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<net::HttpClient>> idle_;
};

std::string s3_error_code(const net::HttpResponse& response) {
  if (std::string code = xml_error_field(response.body, "Code"); !code.empty()) return code;
  switch (response.status) {
    case 403: return "AccessDenied";
    case 404: return "NotFound";
    case 412: return "PreconditionFailed";
    default: return "HTTP " + std::to_string(response.status);
  }
}

S3Client::S3Client(S3Settings settings)
    : settings_(std::move(settings)),
      signer_(settings_.credentials, settings_.region),
      retry_(settings_.retry, clock_),
      pool_(std::make_unique<Pool>(settings_.http)) {
  const std::size_t authority = settings_.endpoint.find("://") + 3;
  const std::string scheme = settings_.endpoint.substr(0, authority);
  host_ = settings_.endpoint.substr(authority);
  // curl leaves the scheme's default port out of Host; the signature must cover the same.
  const std::string default_port = scheme == "https://" ? ":443" : ":80";
  if (host_.size() > default_port.size() && host_.ends_with(default_port)) {
    host_.resize(host_.size() - default_port.size());
  }
  if (settings_.path_style) {
    bucket_path_ = "/" + settings_.bucket;
  } else {
    host_ = settings_.bucket + "." + host_;
  }
  url_origin_ = scheme + host_;
}

S3Client::~S3Client() = default;

std::string S3Client::where() const { return settings_.url() + " at " + settings_.endpoint; }

net::HttpResponse S3Client::attempt(const S3Call& call) const {
  SignableRequest signable;
  signable.method = call.method;
  signable.host = host_;
  // The bucket itself is /bucket path-style, / virtual-hosted.
  signable.path = call.key.empty() && settings_.path_style
                      ? bucket_path_
                      : bucket_path_ + "/" + uri_encode_path(call.key);
  signable.query = call.query;
  signable.headers = call.headers;
  signable.payload_sha256_hex =
      call.body_sha256_hex.empty() ? std::string(kEmptySha256) : call.body_sha256_hex;

  net::HttpRequest request;
  request.method = call.method;
  request.url = url_origin_ + signable.path;
  if (!call.query.empty()) request.url += "?" + canonical_query(call.query);
  request.headers = call.headers;
  for (auto& header : signer_.sign(signable, clock_.now_ms())) {
    request.headers.push_back(std::move(header));
  }
  request.body = call.body;
  request.accept_compressed = false;  // objects come back exactly as stored

  std::unique_ptr<net::HttpClient> client = pool_->take();
  net::HttpResponse response = client->perform(request);  // a failed transfer drops the client
  pool_->give_back(std::move(client));
  if (is_retryable(response)) {
    throw Error(ErrorKind::kTransient, call.what + ": HTTP " + std::to_string(response.status) +
                                           " " + s3_error_code(response));
  }
  return response;
}

net::HttpResponse S3Client::send(const S3Call& call) const {
  try {
    return retry_.run([&] { return attempt(call); });
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kTransient && e.kind() != ErrorKind::kPermanent) throw;
    throw Error(ErrorKind::kStorage,
                call.what + " on " + where() + ": the S3 endpoint failed: " + e.what());
  }
}

Error S3Client::error(const std::string& what, const net::HttpResponse& response) const {
  const std::string code = s3_error_code(response);
  const std::string prefix = what + " on " + where() + ": ";
  const std::string server_says = xml_error_field(response.body, "Message");
  const std::string detail =
      " (" + code + (server_says.empty() ? "" : ": " + server_says) + ")";
  if (code == "NoSuchKey" || code == "NotFound") {
    return Error(ErrorKind::kNotFound, prefix + "no such object" + detail);
  }
  if (code == "NoSuchBucket") {
    return Error(ErrorKind::kConfig, prefix + "bucket '" + settings_.bucket +
                                         "' does not exist (create it, or set "
                                         "lake_create_bucket: true)" + detail);
  }
  if (code == "PreconditionFailed" || code == "ConditionalRequestConflict") {
    return Error(ErrorKind::kAlreadyExists,
                 prefix + "the object already exists; objects are never overwritten" + detail);
  }
  if (code == "InvalidAccessKeyId") {
    return Error(ErrorKind::kConfig,
                 prefix + "the server does not know the access key id (check AWS_ACCESS_KEY_ID)" +
                     detail);
  }
  if (code == "SignatureDoesNotMatch") {
    return Error(ErrorKind::kConfig,
                 prefix + "the request signature does not match (check AWS_SECRET_ACCESS_KEY "
                          "and AWS_REGION)" + detail);
  }
  if (code == "AccessDenied") {
    return Error(ErrorKind::kConfig,
                 prefix + "access denied: the credentials may not do this on bucket '" +
                     settings_.bucket + "'" + detail);
  }
  if (code == "BadDigest" || code == "InvalidDigest" || code == "XAmzContentSHA256Mismatch") {
    return Error(ErrorKind::kStorage,
                 prefix + "the server rejected the upload: the bytes it received do not match "
                          "their checksum" + detail);
  }
  return Error(ErrorKind::kStorage,
               prefix + "HTTP " + std::to_string(response.status) + detail);
}

}  // namespace cryptopipe::lake
