#include "wdrbe/observability/trace_context.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <span>

#include "wdrbe/base/crypto.hpp"

namespace wdrbe::obs {
namespace {

constexpr std::size_t kTraceIdHex = 32;
constexpr std::size_t kSpanIdHex = 16;
// "vv-" + trace id + "-" + span id + "-ff"
constexpr std::size_t kTraceparentLength = 2 + 1 + kTraceIdHex + 1 + kSpanIdHex + 1 + 2;
constexpr std::uint8_t kSampled = 0x01;
constexpr char kHexDigits[] = "0123456789abcdef";

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

int HexValue(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// Lower-case hex of the given length, not all zeros (the standard's rule
// for both ids; an all-zero id means "invalid").
bool IsValidId(std::string_view text, std::size_t length) {
  if (text.size() != length) return false;
  bool any_nonzero = false;
  for (char c : text) {
    if (!IsLowerHex(c)) return false;
    any_nonzero = any_nonzero || c != '0';
  }
  return any_nonzero;
}

std::string RandomHex(RandomSource& random, std::size_t hex_digits) {
  std::array<std::uint8_t, kTraceIdHex / 2> bytes{};
  const std::span<std::uint8_t> used(bytes.data(), hex_digits / 2);
  // All-zero ids are invalid; 2^-64 odds, but a loop costs nothing.
  do {
    random.Fill(used);
  } while (std::all_of(used.begin(), used.end(), [](std::uint8_t byte) { return byte == 0; }));
  return ToHex({reinterpret_cast<const char*>(used.data()), used.size()});
}

}  // namespace

std::string TraceContext::Traceparent() const {
  std::string header = "00-";
  header.reserve(kTraceparentLength);
  header += trace_id;
  header += '-';
  header += span_id;
  header += '-';
  header.push_back(kHexDigits[flags >> 4]);
  header.push_back(kHexDigits[flags & 0x0f]);
  return header;
}

std::optional<Traceparent> ParseTraceparent(std::string_view header) {
  if (header.size() < kTraceparentLength) return std::nullopt;
  const std::string_view version = header.substr(0, 2);
  if (!IsLowerHex(version[0]) || !IsLowerHex(version[1]) || version == "ff") return std::nullopt;
  // Version 00 has exactly these fields; a later version may append more
  // after a dash, which a 00 reader ignores.
  if (version == "00" ? header.size() != kTraceparentLength
                      : header.size() > kTraceparentLength && header[kTraceparentLength] != '-') {
    return std::nullopt;
  }
  if (header[2] != '-' || header[3 + kTraceIdHex] != '-' || header[4 + kTraceIdHex + kSpanIdHex] != '-') {
    return std::nullopt;
  }
  const std::string_view trace_id = header.substr(3, kTraceIdHex);
  const std::string_view parent_id = header.substr(4 + kTraceIdHex, kSpanIdHex);
  const std::string_view flags = header.substr(5 + kTraceIdHex + kSpanIdHex, 2);
  if (!IsValidId(trace_id, kTraceIdHex) || !IsValidId(parent_id, kSpanIdHex)) return std::nullopt;
  if (!IsLowerHex(flags[0]) || !IsLowerHex(flags[1])) return std::nullopt;
  return Traceparent{std::string(trace_id), std::string(parent_id),
                     static_cast<std::uint8_t>(HexValue(flags[0]) * 16 + HexValue(flags[1]))};
}

std::optional<AmznTraceHeader> ParseAmznTraceId(std::string_view header) {
  std::optional<AmznTraceHeader> parsed;
  std::string parent_id;
  std::optional<bool> sampled;
  // Fields are separated by ';': Root=1-{8 hex}-{24 hex}, Parent={16 hex},
  // Sampled={0|1|?}, and any others X-Ray or a load balancer adds.
  while (!header.empty()) {
    const std::size_t end = header.find(';');
    std::string_view field = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    if (field.starts_with("Root=")) {
      field.remove_prefix(5);
      if (field.size() != 2 + 8 + 1 + 24 || !field.starts_with("1-") || field[10] != '-') return std::nullopt;
      std::string trace_id(field.substr(2, 8));
      trace_id += field.substr(11, 24);
      for (char& c : trace_id) {
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
      }
      if (!IsValidId(trace_id, kTraceIdHex)) return std::nullopt;
      parsed = AmznTraceHeader{std::move(trace_id), "", std::nullopt};
    } else if (field.starts_with("Parent=")) {
      field.remove_prefix(7);
      if (IsValidId(field, kSpanIdHex)) parent_id = std::string(field);
    } else if (field == "Sampled=1") {
      sampled = true;
    } else if (field == "Sampled=0") {
      sampled = false;
    }
  }
  if (parsed) {
    parsed->parent_id = std::move(parent_id);
    parsed->sampled = sampled;
  }
  return parsed;
}

std::optional<std::string> TraceIdFromAmznTraceId(std::string_view header) {
  auto parsed = ParseAmznTraceId(header);
  if (!parsed) return std::nullopt;
  return std::move(parsed->trace_id);
}

std::string AmznTraceIdOf(const Traceparent& traceparent) {
  std::string header = "Root=1-";
  header += std::string_view(traceparent.trace_id).substr(0, 8);
  header += '-';
  header += std::string_view(traceparent.trace_id).substr(8);
  header += ";Parent=";
  header += traceparent.parent_id;
  header += (traceparent.flags & 1) != 0 ? ";Sampled=1" : ";Sampled=0";
  return header;
}

std::string NewTraceId(RandomSource& random, std::int64_t unix_seconds) {
  const auto seconds = static_cast<std::uint32_t>(unix_seconds);
  std::string trace_id;
  trace_id.reserve(kTraceIdHex);
  for (int shift = 28; shift >= 0; shift -= 4) trace_id.push_back(kHexDigits[(seconds >> shift) & 0x0f]);
  // The random part alone is never all zero, so neither is the id.
  trace_id += RandomHex(random, kTraceIdHex - 8);
  return trace_id;
}

std::string NewSpanId(RandomSource& random) { return std::string(NewSpanIdText(random).view()); }

SpanIdText NewSpanIdText(RandomSource& random) {
  std::array<std::uint8_t, kSpanIdHex / 2> bytes{};
  do {
    random.Fill(bytes);
  } while (std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t byte) { return byte == 0; }));
  SpanIdText text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    text.digits[2 * i] = kHexDigits[bytes[i] >> 4];
    text.digits[2 * i + 1] = kHexDigits[bytes[i] & 0x0f];
  }
  return text;
}

TraceContext ContinueOrStartTrace(std::optional<std::string_view> traceparent,
                                  std::optional<std::string_view> amzn_trace_id, RandomSource& random) {
  TraceContext context;
  context.span_id = NewSpanId(random);
  if (traceparent) {
    if (auto parent = ParseTraceparent(*traceparent)) {
      context.trace_id = std::move(parent->trace_id);
      context.parent_id = std::move(parent->parent_id);
      context.flags = parent->flags;
      return context;
    }
  }
  if (amzn_trace_id) {
    if (auto amzn = ParseAmznTraceId(*amzn_trace_id)) {
      context.trace_id = std::move(amzn->trace_id);
      context.parent_id = std::move(amzn->parent_id);
      context.flags = amzn->sampled.value_or(true) ? kSampled : 0;
      return context;
    }
  }
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  context.trace_id = NewTraceId(random, std::chrono::duration_cast<std::chrono::seconds>(now).count());
  context.flags = kSampled;
  return context;
}

}  // namespace wdrbe::obs
