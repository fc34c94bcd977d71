// Files that hold the service's data or secrets: created readable and
// writable by the owner alone (0600; directories 0700) whatever the umask,
// and written so that a crash leaves either no file or a complete one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"

namespace wdrbe {

inline constexpr unsigned kPrivateFileMode = 0600;
inline constexpr unsigned kPrivateDirectoryMode = 0700;

// Creates `dir` (and missing parents) if absent; the directory itself is
// made 0700, parents get the usual mode. An existing directory is left as it
// is. kUnavailable on failure.
Status CreatePrivateDirectory(const std::filesystem::path& dir);

// Creates `path` empty with mode 0600 when it does not exist (an existing
// file is left alone). SQLite then gives the database's -wal and -shm files
// the same mode as the database file.
Status EnsurePrivateFile(const std::filesystem::path& path);

// Writes `bytes` to a new file `path` (mode 0600) atomically: into a
// temporary file of the same directory, fsync, linked into place only if
// `path` does not exist yet, then the directory fsync'ed. A crash leaves no
// `path` or a complete one, never a short one. kConflict when `path` already
// exists (nothing is changed then); kUnavailable when writing fails.
Status WriteNewFileAtomically(const std::filesystem::path& path, std::string_view bytes);

// Writes `bytes` to `path` (mode 0600), replacing any file there
// atomically: a reader opens the old file or the new one, whole, and a
// crash leaves one of them. kUnavailable when writing fails.
Status ReplaceFileAtomically(const std::filesystem::path& path, std::string_view bytes);

// For a secret file readable or writable by group or others: the warning an
// operator should see, naming the file and the fix. nullopt otherwise (also
// when the file cannot be inspected: reading it will report that).
std::optional<std::string> ExposedSecretFileWarning(const std::filesystem::path& path);

}  // namespace wdrbe
