#include "cryptopipe/lake/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/keys.h"

namespace cryptopipe::lake {
namespace fs = std::filesystem;
namespace {

constexpr const char* kMetadataDir = ".meta";
constexpr const char* kTempDir = ".tmp";

Error storage_error(const std::string& what, const fs::path& path) {
  return Error(ErrorKind::kStorage, what + " " + path.string() + ": " + std::strerror(errno));
}

// An open file descriptor, closed on destruction.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

fs::path unique_temp_path(const fs::path& temp_dir) {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 random{std::random_device{}()};
  return temp_dir / (std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                     std::to_string(random()) + ".part");
}

void write_all(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw storage_error("cannot write", path);
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

class FileObjectWriter final : public ObjectWriter {
 public:
  FileObjectWriter(fs::path final_path, fs::path metadata_path, fs::path temp_dir,
                   const ObjectMetadata& metadata, std::string key)
      : final_path_(std::move(final_path)),
        metadata_path_(std::move(metadata_path)),
        temp_dir_(std::move(temp_dir)),
        metadata_(metadata),
        key_(std::move(key)),
        temp_path_(unique_temp_path(temp_dir_)),
        fd_(::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) {
    if (fd_.get() < 0) throw storage_error("cannot create", temp_path_);
  }

  ~FileObjectWriter() override {
    if (!committed_) {
      std::error_code ignored;
      fs::remove(temp_path_, ignored);
    }
  }

  void write(std::string_view bytes) override { write_all(fd_.get(), bytes, temp_path_); }

  void commit() override {
    if (::close(fd_.release()) != 0) throw storage_error("cannot close", temp_path_);
    create_parent(final_path_);
    // link(2) is the commit point: it refuses to replace, so exactly one writer wins a key.
    if (::link(temp_path_.c_str(), final_path_.c_str()) != 0) {
      if (errno == EEXIST) {
        throw Error(ErrorKind::kAlreadyExists,
                    "lake object " + key_ + " already exists; objects are never overwritten");
      }
      throw storage_error("cannot publish", final_path_);
    }
    committed_ = true;
    std::error_code ignored;
    fs::remove(temp_path_, ignored);
    // Only the winner writes the metadata, so it always describes the object it sits beside.
    if (!metadata_.empty()) write_metadata();
  }

 private:
  void create_parent(const fs::path& path) const {
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    if (error) {
      throw Error(ErrorKind::kStorage, "cannot create the folder for lake object " + key_ + ": " +
                                           error.message());
    }
  }

  void write_metadata() {
    const fs::path temp = unique_temp_path(temp_dir_);
    {
      FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
      if (fd.get() < 0) throw storage_error("cannot create", temp);
      write_all(fd.get(), nlohmann::json(metadata_).dump(), temp);
    }
    create_parent(metadata_path_);
    if (::rename(temp.c_str(), metadata_path_.c_str()) != 0) {
      throw storage_error("cannot publish", metadata_path_);
    }
  }

  fs::path final_path_;
  fs::path metadata_path_;
  fs::path temp_dir_;
  ObjectMetadata metadata_;
  std::string key_;
  fs::path temp_path_;
  FileDescriptor fd_;
  bool committed_ = false;
};

}  // namespace

FileStore::FileStore(fs::path root) : root_(fs::absolute(std::move(root)).lexically_normal()) {
  std::error_code error;
  fs::create_directories(root_ / kTempDir, error);
  if (error) {
    throw Error(ErrorKind::kStorage,
                "cannot create the lake folder " + root_.string() + ": " + error.message());
  }
}

std::string FileStore::url() const { return "file://" + root_.string(); }

fs::path FileStore::object_path(const std::string& key) const {
  validate_key(key);
  return root_ / key;
}

fs::path FileStore::metadata_path(const std::string& key) const {
  validate_key(key);
  return root_ / kMetadataDir / (key + ".json");
}

std::unique_ptr<ObjectWriter> FileStore::create(const std::string& key,
                                                const ObjectMetadata& metadata) {
  return std::make_unique<FileObjectWriter>(object_path(key), metadata_path(key),
                                            root_ / kTempDir, metadata, key);
}

void FileStore::read(const std::string& key, std::string& out) const {
  const fs::path path = object_path(key);
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) throw Error(ErrorKind::kNotFound, "no lake object " + key);
    throw storage_error("cannot open", path);
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) throw storage_error("cannot stat", path);
  if (!S_ISREG(info.st_mode)) throw Error(ErrorKind::kNotFound, "no lake object " + key);
  out.resize(static_cast<std::size_t>(info.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t got = ::read(fd.get(), out.data() + done, out.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw storage_error("cannot read", path);
    done += static_cast<std::size_t>(got);
  }
}

ObjectMetadata FileStore::metadata(const std::string& key) const {
  if (!exists(key)) throw Error(ErrorKind::kNotFound, "no lake object " + key);
  std::ifstream in(metadata_path(key));
  if (!in) return {};  // stored without metadata
  try {
    return nlohmann::json::parse(in).get<ObjectMetadata>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kStorage, "unreadable metadata of lake object " + key + ": " + e.what());
  }
}

bool FileStore::exists(const std::string& key) const {
  return fs::is_regular_file(object_path(key));
}

std::vector<std::string> FileStore::list(const std::string& prefix) const {
  // Walk only the deepest folder the prefix names completely.
  const auto last_slash = prefix.rfind('/');
  const std::string dir_part = last_slash == std::string::npos ? "" : prefix.substr(0, last_slash);
  if (!dir_part.empty()) validate_key(dir_part);
  const fs::path start = dir_part.empty() ? root_ : root_ / dir_part;
  std::vector<std::string> keys;
  std::error_code error;
  if (!fs::is_directory(start, error)) return keys;
  for (auto it = fs::recursive_directory_iterator(start, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name.front() == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::string key = it->path().lexically_relative(root_).generic_string();
    if (key.rfind(prefix, 0) == 0) keys.push_back(std::move(key));
  }
  if (error) {
    throw Error(ErrorKind::kStorage, "cannot list " + start.string() + ": " + error.message());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::string FileStore::locate(const std::string& key) const { return object_path(key).string(); }

void FileStore::sync() {
  FileDescriptor fd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::syncfs(fd.get()) != 0) throw storage_error("cannot sync the lake at", root_);
}

}  // namespace cryptopipe::lake
