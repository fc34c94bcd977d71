#include "testing/response_recorder.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>

#include "wdrbe/base/base64.hpp"
#include "wdrbe/base/utf8.hpp"

namespace wdrbe::testing {

namespace {

namespace json = boost::json;

class ResponseLog {
 public:
  ResponseLog() {
    const char* dir = std::getenv("WDRBE_TEST_RESPONSE_LOG_DIR");
    if (dir == nullptr || *dir == '\0') return;
    std::filesystem::create_directories(dir);
    const auto path = std::filesystem::path(dir) / (std::to_string(::getpid()) + ".jsonl");
    out_.open(path, std::ios::app | std::ios::binary);
    if (!out_) throw std::runtime_error("cannot open the response log " + path.string());
  }

  void Write(const std::string& line) {
    if (!out_.is_open()) return;
    std::lock_guard lock(mutex_);
    // Whole lines, flushed at once: a test process that is killed leaves at
    // most a truncated last line, which the check ignores.
    out_ << line << '\n' << std::flush;
  }

  bool enabled() const { return out_.is_open(); }

 private:
  std::mutex mutex_;
  std::ofstream out_;
};

ResponseLog& Log() {
  static ResponseLog log;
  return log;
}

std::string Lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Content-Type image/..., whatever its case and parameters.
bool IsImage(const Response& response) {
  const std::optional<std::string> type = response.Header("Content-Type");
  return type.has_value() && Lowercase(type->substr(0, type->find(';'))).starts_with("image/");
}

}  // namespace

void RecordResponse(const Request& request, const Response& response) {
  ResponseLog& log = Log();
  if (!log.enabled()) return;
  json::object headers;
  for (const auto& [name, value] : response.headers) {
    std::string key = Lowercase(name);
    if (!headers.contains(key)) headers[key] = value;  // the first of a repeated header
  }
  json::object record{{"method", request.method},
                      {"target", request.target},
                      {"status", response.status},
                      {"headers", std::move(headers)}};
  if (!response.body.empty()) {
    // An image is bytes even when they happen to be valid UTF-8: the check
    // reads its signature and its length, never text.
    const bool binary = IsImage(response) || !IsUtf8(response.body);
    if (binary) {
      record["bodyBase64"] = Base64Encode(response.body);
    } else {
      record["body"] = response.body;
    }
    record["bodyLength"] = response.body.size();
  }
  log.Write(json::serialize(record));
}

}  // namespace wdrbe::testing
