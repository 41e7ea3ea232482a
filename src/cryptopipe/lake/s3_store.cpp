#include "cryptopipe/lake/s3_store.h"

#include <map>
#include <optional>
#include <pugixml.hpp>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/content_hash.h"
#include "cryptopipe/lake/keys.h"

namespace cryptopipe::lake {
namespace {

constexpr std::string_view kMetaPrefix = "x-amz-meta-";
// AWS caps user-defined metadata at 2 KiB (names and values).
constexpr std::size_t kMaxMetadataBytes = 2048;

// The checksums one upload carries: the server recomputes them and refuses a mismatch.
struct Checksums {
  std::string sha256_hex;     // x-amz-content-sha256, inside the signature
  std::string sha256_base64;  // x-amz-checksum-sha256
  std::string md5_base64;     // Content-MD5, for servers that check only that one
};

Checksums checksums_of(std::string_view bytes) {
  const std::string sha256 = sha256_digest(bytes);
  return {to_hex(sha256), to_base64(sha256), to_base64(md5_digest(bytes))};
}

void add_checksum_headers(HeaderList& headers, const Checksums& sums) {
  headers.emplace_back("content-md5", sums.md5_base64);
  headers.emplace_back("x-amz-checksum-sha256", sums.sha256_base64);
}

bool printable_ascii(std::string_view text) {
  for (const unsigned char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Metadata as x-amz-meta-* headers, refused with a clear error when it cannot travel intact:
// S3 lower-cases names and trims values, and headers carry only printable ASCII.
HeaderList metadata_headers(const std::string& key, const ObjectMetadata& metadata) {
  HeaderList headers;
  std::size_t total = 0;
  for (const auto& entry : metadata) {
    const std::string& name = entry.first;  // a plain reference: clang 14 cannot capture bindings
    const std::string& value = entry.second;
    const auto refuse = [&](const std::string& why) {
      return Error(ErrorKind::kInvalidInput, "metadata '" + name + "' of lake object " + key +
                                                 " cannot be stored in S3: " + why);
    };
    if (name.empty()) throw refuse("empty name");
    for (const char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        throw refuse("names are made of [a-z0-9_-]");
      }
    }
    if (!printable_ascii(value)) throw refuse("the value is not printable ASCII");
    if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) {
      throw refuse("the value starts or ends with a space");
    }
    total += name.size() + value.size();
    headers.emplace_back(std::string(kMetaPrefix) + name, value);
  }
  if (total > kMaxMetadataBytes) {
    throw Error(ErrorKind::kInvalidInput, "metadata of lake object " + key + " is " +
                                              std::to_string(total) +
                                              " bytes, more than S3's 2 KiB");
  }
  if (const auto type = metadata.find("content-type"); type != metadata.end()) {
    headers.emplace_back("content-type", type->second);
  }
  return headers;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

struct Part {
  int number;
  std::string etag;
  std::string sha256_base64;
  std::size_t size;
};

class S3ObjectWriter final : public ObjectWriter {
 public:
  S3ObjectWriter(const S3Client& client, std::string object_key, std::string lake_key,
                 HeaderList headers)
      : client_(client),
        object_key_(std::move(object_key)),
        lake_key_(std::move(lake_key)),
        headers_(std::move(headers)) {}

  ~S3ObjectWriter() override {
    if (upload_id_ && !committed_) abort_upload();
  }

  void write(std::string_view bytes) override {
    buffer_.append(bytes);
    const S3Settings& settings = client_.settings();
    try {
      if (!upload_id_ && buffer_.size() > settings.multipart_threshold) start_upload();
      // A part is sent only once more bytes follow it, so the last part is never empty.
      while (upload_id_ && buffer_.size() > settings.part_size) {
        upload_part(std::string_view(buffer_).substr(0, settings.part_size));
        buffer_.erase(0, settings.part_size);
      }
    } catch (...) {
      abort_upload();
      throw;
    }
  }

  void commit() override {
    if (!upload_id_) {
      put_whole();
    } else {
      try {
        upload_part(buffer_);
        complete_upload();
      } catch (...) {
        abort_upload();
        throw;
      }
    }
    committed_ = true;
    buffer_ = std::string();
  }

 private:
  void put_whole() {
    const Checksums sums = checksums_of(buffer_);
    S3Call call{.method = "PUT", .key = object_key_, .headers = headers_, .body = buffer_,
                .body_sha256_hex = sums.sha256_hex, .what = "PUT " + lake_key_};
    call.headers.emplace_back("if-none-match", "*");
    add_checksum_headers(call.headers, sums);
    const net::HttpResponse response = client_.send(call);
    if (response.status == 200) return;
    Error error = client_.error(call.what, response);
    // The answer to an earlier attempt can be lost after the server stored the object; the
    // retry then finds the key taken. If the key holds these very bytes and metadata, the
    // object is this upload's and it is done.
    if (error.kind() == ErrorKind::kAlreadyExists && stored_as_sent()) return;
    throw error;
  }

  // Whether the key holds an object with exactly our metadata, whose bytes `matches` accepts.
  template <typename Matches>
  bool stored_with_our_metadata(Matches&& matches) const {
    const net::HttpResponse stored = client_.send({.key = object_key_, .what = "GET " + lake_key_});
    if (stored.status != 200 || !matches(stored.body)) return false;
    const auto metadata_of = [](const auto& headers) {
      std::map<std::string, std::string> metadata;
      for (const auto& [name, value] : headers) {
        if (name.starts_with(kMetaPrefix)) metadata.emplace(name, value);
      }
      return metadata;
    };
    return metadata_of(stored.headers) == metadata_of(headers_);
  }

  bool stored_as_sent() const {
    return stored_with_our_metadata([&](const std::string& body) { return body == buffer_; });
  }

  // The parts are no longer in memory: the stored object is ours if it splits into parts of
  // the sizes and SHA-256 checksums we sent.
  bool stored_as_our_parts() const {
    return stored_with_our_metadata([&](const std::string& body) {
      std::size_t at = 0;
      for (const Part& part : parts_) {
        if (body.size() - at < part.size) return false;
        const std::string_view piece = std::string_view(body).substr(at, part.size);
        if (to_base64(sha256_digest(piece)) != part.sha256_base64) return false;
        at += part.size;
      }
      return at == body.size();
    });
  }

  void start_upload() {
    S3Call call{.method = "POST", .key = object_key_, .query = {{"uploads", ""}},
                .headers = headers_, .what = "starting the multipart upload of " + lake_key_};
    call.headers.emplace_back("x-amz-checksum-algorithm", "SHA256");
    const net::HttpResponse response = client_.send(call);
    pugi::xml_document document;
    document.load_buffer(response.body.data(), response.body.size());
    const std::string id =
        document.child("InitiateMultipartUploadResult").child("UploadId").text().get();
    if (response.status != 200 || id.empty()) throw client_.error(call.what, response);
    upload_id_ = id;
  }

  void upload_part(std::string_view bytes) {
    const int number = static_cast<int>(parts_.size()) + 1;
    const Checksums sums = checksums_of(bytes);
    S3Call call{.method = "PUT", .key = object_key_,
                .query = {{"partNumber", std::to_string(number)}, {"uploadId", *upload_id_}},
                .body = bytes, .body_sha256_hex = sums.sha256_hex,
                .what = "PUT part " + std::to_string(number) + " of " + lake_key_};
    add_checksum_headers(call.headers, sums);
    const net::HttpResponse response = client_.send(call);
    const std::string* etag = response.header("etag");
    if (response.status != 200 || etag == nullptr) throw client_.error(call.what, response);
    parts_.push_back({number, *etag, sums.sha256_base64, bytes.size()});
  }

  void complete_upload() {
    std::string body = "<CompleteMultipartUpload>";
    for (const Part& part : parts_) {
      body += "<Part><PartNumber>" + std::to_string(part.number) + "</PartNumber><ETag>" +
              xml_escape(part.etag) + "</ETag><ChecksumSHA256>" + part.sha256_base64 +
              "</ChecksumSHA256></Part>";
    }
    body += "</CompleteMultipartUpload>";
    // No x-amz-checksum-sha256 here: on this call it would name the whole object's checksum.
    // The signed payload hash covers the list of parts.
    const S3Call call{.method = "POST", .key = object_key_, .query = {{"uploadId", *upload_id_}},
                      .headers = {{"if-none-match", "*"}}, .body = body,
                      .body_sha256_hex = checksums_of(body).sha256_hex,
                      .what = "completing the multipart upload of " + lake_key_};
    const net::HttpResponse response = client_.send(call);
    // S3 may answer 200 and still report an error in the body.
    pugi::xml_document document;
    document.load_buffer(response.body.data(), response.body.size());
    if (response.status != 200 || document.child("Error")) {
      Error error = client_.error(call.what, response);
      // The answer to an earlier attempt can be lost after the server completed the upload;
      // the retry then finds the upload gone or the key taken. If the key holds our parts, the
      // upload is done (and there is nothing left to abort).
      const bool maybe_done = error.kind() == ErrorKind::kNotFound ||
                              error.kind() == ErrorKind::kAlreadyExists;
      if (!maybe_done || !stored_as_our_parts()) throw error;
      abort_upload();  // in case the server refused the completion: nothing of it may linger
      return;
    }
    upload_id_.reset();
  }

  // Best effort: the parts of an upload that is neither completed nor aborted stay stored
  // (and billed) until a lifecycle rule removes them.
  void abort_upload() noexcept {
    if (!upload_id_) return;
    try {
      client_.send({.method = "DELETE", .key = object_key_, .query = {{"uploadId", *upload_id_}},
                    .what = "aborting the multipart upload of " + lake_key_});
    } catch (const std::exception&) {
      // The failure that made us abort is the one to report.
    }
    upload_id_.reset();
  }

  const S3Client& client_;
  std::string object_key_;
  std::string lake_key_;
  HeaderList headers_;
  std::string buffer_;
  std::optional<std::string> upload_id_;
  std::vector<Part> parts_;
  bool committed_ = false;
};

}  // namespace

S3Store::S3Store(S3Settings settings) : client_(std::move(settings)) { check_bucket(); }

void S3Store::check_bucket() {
  const S3Settings& settings = client_.settings();
  const S3Call probe{.query = {{"list-type", "2"}, {"max-keys", "1"}, {"prefix", settings.prefix}},
                     .what = "opening the lake"};
  // Like a warehouse that cannot be reached, a lake that cannot be opened stops the run before
  // anything is fetched: a usage error (exit 2), whether the endpoint is down or untrusted.
  const net::HttpResponse response = [&] {
    try {
      return client_.send(probe);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kStorage) throw;
      throw Error(ErrorKind::kConfig, e.what());
    }
  }();
  pugi::xml_document document;
  const bool parsed = document.load_buffer(response.body.data(), response.body.size());
  if (response.status == 200 && parsed && document.child("ListBucketResult")) return;
  if (!parsed || !document.child("Error")) {
    throw Error(ErrorKind::kConfig, probe.what + " on " + client_.where() +
                                        ": the endpoint does not answer like an S3 server (HTTP " +
                                        std::to_string(response.status) +
                                        "; check AWS_ENDPOINT_URL)");
  }
  if (!settings.create_bucket || s3_error_code(response) != "NoSuchBucket") {
    throw client_.error(probe.what, response);
  }
  S3Call create{.method = "PUT", .what = "creating bucket " + settings.bucket};
  std::string body;
  if (settings.region != "us-east-1") {
    body = "<CreateBucketConfiguration><LocationConstraint>" + xml_escape(settings.region) +
           "</LocationConstraint></CreateBucketConfiguration>";
    create.body = body;
    create.body_sha256_hex = checksums_of(body).sha256_hex;
  }
  const net::HttpResponse created = client_.send(create);
  if (created.status != 200 && s3_error_code(created) != "BucketAlreadyOwnedByYou") {
    throw client_.error(create.what, created);
  }
}

std::string S3Store::object_key(const std::string& key) const {
  validate_key(key);
  return client_.settings().prefix + key;
}

std::string S3Store::url() const { return client_.settings().url(); }

std::unique_ptr<ObjectWriter> S3Store::create(const std::string& key,
                                              const ObjectMetadata& metadata) {
  return std::make_unique<S3ObjectWriter>(client_, object_key(key), key,
                                          metadata_headers(key, metadata));
}

void S3Store::read(const std::string& key, std::string& out) const {
  const S3Call call{.key = object_key(key), .what = "GET " + key};
  net::HttpResponse response = client_.send(call);
  if (response.status != 200) throw client_.error(call.what, response);
  out = std::move(response.body);
}

ObjectMetadata S3Store::metadata(const std::string& key) const {
  const S3Call call{.method = "HEAD", .key = object_key(key), .what = "HEAD " + key};
  const net::HttpResponse response = client_.send(call);
  if (response.status != 200) throw client_.error(call.what, response);
  ObjectMetadata metadata;
  for (const auto& [name, value] : response.headers) {
    if (name.starts_with(kMetaPrefix)) metadata[name.substr(kMetaPrefix.size())] = value;
  }
  return metadata;
}

bool S3Store::exists(const std::string& key) const {
  const S3Call call{.method = "HEAD", .key = object_key(key), .what = "HEAD " + key};
  const net::HttpResponse response = client_.send(call);
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  throw client_.error(call.what, response);
}

std::vector<std::string> S3Store::list(const std::string& prefix) const {
  // As FileStore: the folders a prefix names must be valid keys, so `..` never lists above the
  // lake's prefix (servers backed by a file tree, SeaweedFS's filer among them, may resolve it).
  if (const auto last_slash = prefix.rfind('/'); last_slash != std::string::npos) {
    validate_key(std::string_view(prefix).substr(0, last_slash));
  }
  const std::string& root = client_.settings().prefix;
  std::vector<std::string> keys;
  std::string token;
  do {
    S3Call call{.query = {{"list-type", "2"}, {"prefix", root + prefix}},
                .what = "listing " + (prefix.empty() ? std::string("the lake") : prefix)};
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    const net::HttpResponse response = client_.send(call);
    pugi::xml_document document;
    const pugi::xml_node result =
        document.load_buffer(response.body.data(), response.body.size())
            ? document.child("ListBucketResult")
            : pugi::xml_node();
    if (response.status != 200 || !result) throw client_.error(call.what, response);
    for (const pugi::xml_node entry : result.children("Contents")) {
      const std::string key = entry.child("Key").text().get();
      if (key.size() > root.size()) keys.push_back(key.substr(root.size()));
    }
    token = result.child("IsTruncated").text().as_bool()
                ? result.child("NextContinuationToken").text().get()
                : "";
  } while (!token.empty());
  return keys;
}

std::string S3Store::locate(const std::string& key) const {
  validate_key(key);
  return client_.settings().url() + "/" + key;
}

// An acknowledged PUT or CompleteMultipartUpload is already durable on the server.
void S3Store::sync() {}

}  // namespace cryptopipe::lake
