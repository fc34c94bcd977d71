#include "wdrbe/storage/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace wdrbe {
namespace {

std::string Errno() { return std::strerror(errno); }

Status FsyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error::Unavailable("cannot open " + dir.string() + ": " + Errno());
  const bool synced = ::fsync(fd) == 0;
  const std::string error = synced ? "" : Errno();
  ::close(fd);
  if (!synced) return Error::Unavailable("cannot fsync " + dir.string() + ": " + error);
  return Status::Ok();
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

Status CreatePrivateDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::Ok();
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec) return Error::Unavailable("cannot create " + dir.parent_path().string() + ": " + ec.message());
  }
  if (::mkdir(dir.c_str(), kPrivateDirectoryMode) != 0) {
    // Another process made it meanwhile: theirs, as it is.
    if (errno == EEXIST) return Status::Ok();
    return Error::Unavailable("cannot create " + dir.string() + ": " + Errno());
  }
  // mkdir's mode passes through the umask, which may be stricter than 0700
  // (then the owner could not use it) but never looser; chmod makes it exact.
  if (::chmod(dir.c_str(), kPrivateDirectoryMode) != 0) {
    return Error::Unavailable("cannot chmod " + dir.string() + ": " + Errno());
  }
  return Status::Ok();
}

Status EnsurePrivateFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return Error::Unavailable("cannot create " + path.string() + ": " + Errno());
  }
  const bool exact = ::fchmod(fd, kPrivateFileMode) == 0;
  ::close(fd);
  if (!exact) return Error::Unavailable("cannot chmod " + path.string() + ": " + Errno());
  return Status::Ok();
}

namespace {

// Writes `bytes` into a new temporary file (0600) beside `path`, fsync'ed
// and closed: its name, for the caller to link or rename into place.
Result<std::string> WriteTemporaryBeside(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::string temp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  // mkstemp creates the file 0600 (and exclusively).
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return Error::Unavailable("cannot create a temporary file in " + dir.string() + ": " + Errno());
  temp.assign(name.data());
  const auto fail = [&](std::string what) -> Error {
    const std::string error = Errno();
    ::close(fd);
    ::unlink(temp.c_str());
    return Error::Unavailable(what + " " + path.string() + ": " + error);
  };
  if (::fchmod(fd, kPrivateFileMode) != 0) return fail("cannot chmod");
  if (!WriteAll(fd, bytes)) return fail("cannot write");
  if (::fsync(fd) != 0) return fail("cannot fsync");
  if (::close(fd) != 0) {
    const std::string error = Errno();
    ::unlink(temp.c_str());
    return Error::Unavailable("cannot write " + path.string() + ": " + error);
  }
  return temp;
}

std::filesystem::path DirectoryOf(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : ".";
}

}  // namespace

Status WriteNewFileAtomically(const std::filesystem::path& path, std::string_view bytes) {
  auto temp = WriteTemporaryBeside(path, bytes);
  if (!temp.ok()) return temp.error();
  // link() rather than rename(): it refuses to replace a file another
  // process put there first, which must then win (it may be in use).
  const int linked = ::link(temp->c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(temp->c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) return Error{ErrorCode::kConflict, path.string() + " already exists", {}};
    return Error::Unavailable("cannot create " + path.string() + ": " + std::strerror(link_errno));
  }
  return FsyncDirectory(DirectoryOf(path));
}

Status ReplaceFileAtomically(const std::filesystem::path& path, std::string_view bytes) {
  auto temp = WriteTemporaryBeside(path, bytes);
  if (!temp.ok()) return temp.error();
  if (::rename(temp->c_str(), path.c_str()) != 0) {
    const std::string error = Errno();
    ::unlink(temp->c_str());
    return Error::Unavailable("cannot replace " + path.string() + ": " + error);
  }
  return FsyncDirectory(DirectoryOf(path));
}

std::optional<std::string> ExposedSecretFileWarning(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  const unsigned exposed = info.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH);
  if (exposed == 0) return std::nullopt;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
  return "secret file " + path.string() + " is readable or writable by group or others (mode " + mode +
         "); restrict it with: chmod 600 " + path.string();
}

}  // namespace wdrbe
