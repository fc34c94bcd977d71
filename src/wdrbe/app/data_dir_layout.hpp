// The files of a data directory, named once: serve, the dlq and backup
// commands and the secrets loader must agree on them.
#pragma once

namespace wdrbe::app {

inline constexpr char kDatabaseFile[] = "wdrbe.db";
inline constexpr char kCursorKeyFile[] = "cursor.key";

}  // namespace wdrbe::app
