#include "cryptopipe/lake/object_store.h"

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/file_store.h"
#include "cryptopipe/lake/s3_settings.h"
#include "cryptopipe/lake/s3_store.h"

namespace cryptopipe::lake {

void ObjectStore::put(const std::string& key, std::string_view bytes,
                      const ObjectMetadata& metadata) {
  const std::unique_ptr<ObjectWriter> writer = create(key, metadata);
  writer->write(bytes);
  writer->commit();
}

std::string ObjectStore::read(const std::string& key) const {
  std::string out;
  read(key, out);
  return out;
}

std::unique_ptr<ObjectStore> open_object_store(const std::string& url,
                                               const LakeOptions& options) {
  constexpr std::string_view kFileScheme = "file://";
  if (url.rfind("s3://", 0) == 0) {
    return std::make_unique<S3Store>(s3_settings_from(url, options));
  }
  if (url.rfind(kFileScheme, 0) == 0) {
    const std::string path = url.substr(kFileScheme.size());
    if (path.empty()) throw Error(ErrorKind::kConfig, "lake URL '" + url + "' names no folder");
    return std::make_unique<FileStore>(path);
  }
  if (url.find("://") == std::string::npos && !url.empty()) {
    return std::make_unique<FileStore>(url);
  }
  throw Error(ErrorKind::kConfig, "unsupported lake URL '" + url +
                                      "': expected file:///abs/path or s3://bucket/prefix");
}

}  // namespace cryptopipe::lake
