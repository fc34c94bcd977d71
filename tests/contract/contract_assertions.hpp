// Assertions on Status and Result that name the error code, and printers
// that make failures of the contract suites readable.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>

#include "wdrbe/base/result.hpp"
#include "wdrbe/domain/activity.hpp"
#include "wdrbe/domain/item.hpp"
#include "wdrbe/domain/item_create.hpp"
#include "wdrbe/domain/share_event.hpp"
#include "wdrbe/domain/share_rules.hpp"
#include "wdrbe/queue/share_queue.hpp"

namespace wdrbe {

inline const char* CodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return "kBadRequest";
    case ErrorCode::kValidationFailed:
      return "kValidationFailed";
    case ErrorCode::kInvalidCursor:
      return "kInvalidCursor";
    case ErrorCode::kUnauthorized:
      return "kUnauthorized";
    case ErrorCode::kForbidden:
      return "kForbidden";
    case ErrorCode::kNotFound:
      return "kNotFound";
    case ErrorCode::kMethodNotAllowed:
      return "kMethodNotAllowed";
    case ErrorCode::kConflict:
      return "kConflict";
    case ErrorCode::kIdempotencyKeyInUse:
      return "kIdempotencyKeyInUse";
    case ErrorCode::kPayloadTooLarge:
      return "kPayloadTooLarge";
    case ErrorCode::kUnsupportedMediaType:
      return "kUnsupportedMediaType";
    case ErrorCode::kIdempotencyKeyReused:
      return "kIdempotencyKeyReused";
    case ErrorCode::kExpectationFailed:
      return "kExpectationFailed";
    case ErrorCode::kTooManyRequests:
      return "kTooManyRequests";
    case ErrorCode::kNotImplemented:
      return "kNotImplemented";
    case ErrorCode::kInternal:
      return "kInternal";
    case ErrorCode::kUnavailable:
      return "kUnavailable";
  }
  return "ErrorCode(?)";
}

// Printers, found by gtest through argument-dependent lookup.

inline void PrintOptional(const std::optional<std::string>& value, std::ostream* os) {
  if (value) {
    *os << '"' << *value << '"';
  } else {
    *os << "(none)";
  }
}

inline void PrintTo(const ItemFields& fields, std::ostream* os) {
  *os << "{name \"" << fields.name << "\", category \"" << fields.category << "\", season ";
  PrintOptional(fields.season, os);
  *os << ", color ";
  PrintOptional(fields.color, os);
  *os << ", brand ";
  PrintOptional(fields.brand, os);
  *os << ", purchase_date ";
  PrintOptional(fields.purchase_date, os);
  *os << ", image_url ";
  PrintOptional(fields.image_url, os);
  *os << "}";
}

inline void PrintTo(const Item& item, std::ostream* os) {
  *os << "Item{" << item.item_id << " of " << item.user_id << ", ";
  PrintTo(item.fields, os);
  *os << ", shared " << item.shared_count << (item.is_public ? ", public" : ", private") << ", created "
      << item.created_at_ms << ", updated " << item.updated_at_ms << "}";
}

inline void PrintTo(const Activity& activity, std::ostream* os) {
  *os << "Activity{" << activity.activity_id << " of " << activity.user_id << ", " << activity.activity_type
      << " " << activity.item_id << " \"" << activity.item_name << "\" at " << activity.timestamp_ms << ", "
      << activity.metadata_json << "}";
}

inline void PrintTo(const ShareEvent& event, std::ostream* os) {
  *os << "ShareEvent{" << event.event_id << ", " << event.user_id << " shares " << event.item_id << " at "
      << event.timestamp_ms << ", request " << event.request_id << ", trace \"" << event.trace_context
      << "\"}";
}

inline void PrintTo(CreateOutcome outcome, std::ostream* os) {
  switch (outcome) {
    case CreateOutcome::kCreated:
      *os << "kCreated";
      return;
    case CreateOutcome::kReplaced:
      *os << "kReplaced";
      return;
    case CreateOutcome::kReplayed:
      *os << "kReplayed";
      return;
  }
  *os << "CreateOutcome(?)";
}

inline void PrintTo(ShareApplication application, std::ostream* os) {
  switch (application) {
    case ShareApplication::kApplied:
      *os << "kApplied";
      return;
    case ShareApplication::kAlreadyApplied:
      *os << "kAlreadyApplied";
      return;
    case ShareApplication::kItemNotFound:
      *os << "kItemNotFound";
      return;
  }
  *os << "ShareApplication(?)";
}

inline void PrintTo(AckResult result, std::ostream* os) {
  switch (result) {
    case AckResult::kDeleted:
      *os << "kDeleted";
      return;
    case AckResult::kLeaseLost:
      *os << "kLeaseLost";
      return;
  }
  *os << "AckResult(?)";
}

inline void PrintTo(RetryResult result, std::ostream* os) {
  switch (result) {
    case RetryResult::kRetryScheduled:
      *os << "kRetryScheduled";
      return;
    case RetryResult::kDeadLettered:
      *os << "kDeadLettered";
      return;
    case RetryResult::kLeaseLost:
      *os << "kLeaseLost";
      return;
  }
  *os << "RetryResult(?)";
}

inline ::testing::AssertionResult Succeeded(const Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "failed with " << CodeName(status.error().code) << ": " << status.error().message;
}

template <typename T>
::testing::AssertionResult Succeeded(const Result<T>& result) {
  return Succeeded(result.status());
}

inline ::testing::AssertionResult FailedWith(const Status& status, ErrorCode expected) {
  if (status.ok()) return ::testing::AssertionFailure() << "succeeded; expected " << CodeName(expected);
  if (status.error().code != expected) {
    return ::testing::AssertionFailure() << "failed with " << CodeName(status.error().code) << " ("
                                         << status.error().message << "); expected " << CodeName(expected);
  }
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult FailedWith(const Result<T>& result, ErrorCode expected) {
  return FailedWith(result.status(), expected);
}

}  // namespace wdrbe
