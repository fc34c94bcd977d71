#include "wdrbe/domain/cursor.hpp"

#include <cstdint>

#include "wdrbe/base/base64.hpp"
#include "wdrbe/base/crypto.hpp"

namespace wdrbe {
namespace {

// Bumped whenever the payload layout changes, so old cursors fail cleanly.
constexpr char kVersion = 1;
constexpr std::size_t kSortKeySize = 8;
constexpr std::size_t kMacSize = 16;  // 128 bits: forgery stays out of reach
constexpr std::size_t kMinTokenBytes = 1 + kSortKeySize + 1 + kMacSize;

void AppendBigEndian64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

std::uint64_t ReadBigEndian64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < kSortKeySize; ++i) value = (value << 8) | static_cast<std::uint8_t>(bytes[i]);
  return value;
}

// The scope is length-prefixed so that no (scope, payload) pair can be
// re-split into another scope with a payload that still verifies.
std::string Mac(std::string_view key, std::string_view scope, std::string_view payload) {
  std::string message;
  message.reserve(8 + scope.size() + payload.size());
  AppendBigEndian64(message, scope.size());
  message.append(scope);
  message.append(payload);
  return HmacSha256(key, message).substr(0, kMacSize);
}

}  // namespace

Error InvalidCursorError() {
  return Error{ErrorCode::kInvalidCursor, "cursor is invalid or was made for another query", {}};
}

std::string CursorCodec::Encode(std::string_view scope, const CursorPosition& position) const {
  std::string token;
  token.reserve(1 + kSortKeySize + position.id.size() + kMacSize);
  token += kVersion;
  AppendBigEndian64(token, static_cast<std::uint64_t>(position.sort_ms));
  token.append(position.id);
  token.append(Mac(key_, scope, token));
  return Base64UrlEncode(token);
}

Result<CursorPosition> CursorCodec::Decode(std::string_view scope, std::string_view cursor) const {
  if (cursor.empty() || cursor.size() > kMaxCursorLength) return InvalidCursorError();
  const std::optional<std::string> bytes = Base64UrlDecode(cursor);
  if (!bytes || bytes->size() < kMinTokenBytes) return InvalidCursorError();

  const std::string_view token = *bytes;
  const std::string_view payload = token.substr(0, token.size() - kMacSize);
  const std::string_view mac = token.substr(token.size() - kMacSize);
  if (payload[0] != kVersion) return InvalidCursorError();
  if (!ConstantTimeEqual(mac, Mac(key_, scope, payload))) return InvalidCursorError();

  const std::string_view id = payload.substr(1 + kSortKeySize);
  if (id.empty() || id.size() > kMaxCursorPositionIdLength) return InvalidCursorError();
  return CursorPosition{static_cast<std::int64_t>(ReadBigEndian64(payload.substr(1))), std::string(id)};
}

}  // namespace wdrbe
