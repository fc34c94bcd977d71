// What DynamoDB's failures mean to the store. Failures the caller may retry
// later (throttling, 5xx, network, a missing table) are kUnavailable; a
// request DynamoDB refuses (validation, an item too large) is kInternal, a
// bug here. Messages carry the AWS code and text for the logs; the HTTP
// layer never shows kInternal/kUnavailable messages to clients.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wdrbe/aws/json_protocol.hpp"
#include "wdrbe/base/error.hpp"

namespace wdrbe::dynamodb {

// `operation` names the call ("TransactWriteItems"), `table` the table.
Error StoreError(const aws::AwsError& error, std::string_view operation, std::string_view table);

// The sentence that tells an operator what to do about a missing table.
std::string MissingTableMessage(std::string_view table);

// A cancelled transaction: the reasons' codes, one per item in request
// order ("None" for the items that passed). DynamoDB lists them in the
// error's CancellationReasons (which the client layer keeps) and, in the
// same order, at the end of its message ("Transaction cancelled, please
// refer cancellation reasons for specific reasons [ConditionalCheckFailed,
// None]"), which is read when the reasons are missing (engines that send
// only the message); empty when neither lists them.
std::vector<std::string> CancellationCodes(const aws::AwsError& error);
std::vector<std::string> CancellationCodesInMessage(std::string_view message);

enum class CancellationKind {
  // Another writer got there first (a failed condition, a conflicting
  // transaction) or DynamoDB asked to slow down: load, decide and try again.
  kContention,
  // The request itself is wrong (ValidationError, an item collection over
  // its size limit): trying again cannot help.
  kRejected,
};

// Judged by the codes only; unknown codes and an empty list count as
// contention, which the bounded retry turns into kUnavailable if it lasts.
CancellationKind ClassifyCancellation(const std::vector<std::string>& codes);

// True for errors that mean "another writer, try again": a cancelled
// transaction of kContention, TransactionConflictException on a
// single-item write racing a transaction, TransactionInProgressException
// (the same request token still in flight).
bool IsContention(const aws::AwsError& error);

}  // namespace wdrbe::dynamodb
