// The environment variables the AWS layer reads (AWS_REGION, AWS_PROFILE,
// ...), as a value: read once from the process, or made by a test, so no
// test has to change its own environment.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace wdrbe::aws {

// Immutable after construction, so thread-safe.
class Environment {
 public:
  using Variables = std::map<std::string, std::string, std::less<>>;

  Environment() = default;
  explicit Environment(Variables variables) : variables_(std::move(variables)) {}

  // A snapshot of the process's environment.
  static Environment FromProcess();

  // The value, or nothing when the variable is unset or empty (the SDKs
  // treat an empty AWS_REGION as unset, and so does everything here).
  std::optional<std::string> Get(std::string_view name) const;

  // $HOME, where ~/.aws lives; nothing when unset.
  std::optional<std::string> Home() const { return Get("HOME"); }

 private:
  Variables variables_;
};

}  // namespace wdrbe::aws
