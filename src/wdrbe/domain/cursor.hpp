// Opaque, tamper-proof keyset cursors. A cursor carries the sort key of the
// last row of a page and a MAC over that key and its scope (user, route and
// filters). Decoding under any other scope, or after any change, fails.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wdrbe/base/result.hpp"

namespace wdrbe {

// The position after which the next page starts: rows strictly "older" than
// (sort_ms, id) in the (sort_ms desc, id desc) order.
struct CursorPosition {
  std::int64_t sort_ms = 0;
  std::string id;
  friend bool operator==(const CursorPosition&, const CursorPosition&) = default;
};

// Immutable after construction; safe to share across threads.
class CursorCodec {
 public:
  // `key` is a secret of at least 32 bytes kept by the server.
  explicit CursorCodec(std::string key) : key_(std::move(key)) {}

  // `scope` names what the cursor is for, e.g. "items\x1fusr_1\x1fwinter\x1f".
  std::string Encode(std::string_view scope, const CursorPosition& position) const;

  // kInvalidCursor for anything not made by Encode with the same key and scope.
  Result<CursorPosition> Decode(std::string_view scope, std::string_view cursor) const;

 private:
  std::string key_;
};

// The one answer to every cursor that cannot be used, whatever the reason,
// so that a client learns nothing about why.
Error InvalidCursorError();

// Cursors longer than this are rejected before any work is done.
inline constexpr std::size_t kMaxCursorLength = 512;
// A position's id is 1 to this many bytes: room for the longest item id
// (128) with what a route adds to it (search puts its tier in front). A
// position of a longer id is never encoded; it would not decode.
inline constexpr std::size_t kMaxCursorPositionIdLength = 256;

}  // namespace wdrbe
