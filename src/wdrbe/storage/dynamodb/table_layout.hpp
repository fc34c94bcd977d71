// The single-table layout of the DynamoDB store: every key pattern, index
// and attribute name, and nothing else knows them (docs/aws-backend.md has
// the table). Keys are strings; a variable part of a key that holds more
// than one of them is escaped (KeyPart) so that no two values can make the
// same key, since user ids and categories may contain '#'.
//
//   PK                     SK                         entity
//   ITEM#{itemId}          METADATA                   the item (Version: optimistic lock)
//   USER#{userId}          ITEM#{itemId}              the user's index row: a copy of the item
//                                                     with the GSI keys of every item list
//   USER#{userId}          IDEMPOTENCY#CREATE#{key}   a create's idempotency record
//   USER#{userId}          IDEMPOTENCY#SHARE#{key}    a share's idempotency record
//   USER#{userId}          ACTIVITY#{activityId}      an activity, with the feed's GSI keys
//   EVENT#{eventId}        APPLIED                    an applied share event's marker
//   CONFIG#{name}          SECRET                     a secret every process shares
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wdrbe/domain/cursor.hpp"
#include "wdrbe/domain/idempotency.hpp"

namespace wdrbe::dynamodb {

// --- Attribute names --------------------------------------------------------------

inline constexpr char kPk[] = "PK";
inline constexpr char kSk[] = "SK";
inline constexpr char kEntityType[] = "EntityType";
inline constexpr char kItemIdAttr[] = "ItemId";
inline constexpr char kUserIdAttr[] = "UserId";
inline constexpr char kNameAttr[] = "Name";
inline constexpr char kCategoryAttr[] = "Category";
inline constexpr char kSeasonAttr[] = "Season";
inline constexpr char kColorAttr[] = "Color";
inline constexpr char kBrandAttr[] = "Brand";
inline constexpr char kPurchaseDateAttr[] = "PurchaseDate";
inline constexpr char kImageUrlAttr[] = "ImageUrl";
inline constexpr char kSharedCountAttr[] = "SharedCount";
inline constexpr char kIsPublicAttr[] = "IsPublic";
inline constexpr char kCreatedAtAttr[] = "CreatedAt";  // N: Unix milliseconds
inline constexpr char kUpdatedAtAttr[] = "UpdatedAt";  // N: Unix milliseconds
inline constexpr char kVersionAttr[] = "Version";      // N: +1 on every write of the METADATA row
inline constexpr char kActivityIdAttr[] = "ActivityId";
inline constexpr char kActivityTypeAttr[] = "ActivityType";
inline constexpr char kItemNameAttr[] = "ItemName";
inline constexpr char kTimestampAttr[] = "Timestamp";  // N: Unix milliseconds
inline constexpr char kMetadataAttr[] = "Metadata";    // S: a JSON object
inline constexpr char kFingerprintAttr[] = "Fingerprint";
inline constexpr char kOutcomeIdAttr[] = "OutcomeId";
inline constexpr char kCreatedAtMsAttr[] = "CreatedAtMs";  // N: Unix milliseconds
inline constexpr char kCompletedAttr[] = "Completed";
inline constexpr char kAppliedAtAttr[] = "AppliedAt";  // N: Unix milliseconds
inline constexpr char kSecretAttr[] = "Secret";        // S: base64url
// N: Unix seconds; the table's TTL attribute. DynamoDB deletes an expired
// row days late (DynamoDB Local never), so reads judge expiry themselves.
inline constexpr char kExpiresAtAttr[] = "ExpiresAt";

inline constexpr char kItemEntity[] = "Item";
inline constexpr char kUserItemEntity[] = "UserItem";
inline constexpr char kActivityEntity[] = "Activity";
inline constexpr char kIdempotencyEntity[] = "Idempotency";
inline constexpr char kAppliedShareEntity[] = "AppliedShare";
inline constexpr char kSecretEntity[] = "Secret";

// --- Secondary indexes -------------------------------------------------------------

// Every index projects ALL attributes, so a list is one Query and no reads
// of the items after it. Each serves one access pattern, newest first.
struct IndexSpec {
  const char* name;
  const char* pk;
  const char* sk;
};
// GSI1: a user's items of one season (USER#{u}#SEASON#{s}, ITEM#{createdAt}#{itemId}).
inline constexpr IndexSpec kSeasonIndex{"GSI1", "GSI1PK", "GSI1SK"};
// GSI2: all of a user's items (USER#{u}#ITEMS, ITEM#{createdAt}#{itemId}).
inline constexpr IndexSpec kAllItemsIndex{"GSI2", "GSI2PK", "GSI2SK"};
// GSI3: a user's items of one category (USER#{u}#CATEGORY#{c}, ITEM#{createdAt}#{itemId}).
inline constexpr IndexSpec kCategoryIndex{"GSI3", "GSI3PK", "GSI3SK"};
// GSI4: one season and one category (USER#{u}#SEASON#{s}#CATEGORY#{c}, ITEM#{createdAt}#{itemId}).
inline constexpr IndexSpec kSeasonCategoryIndex{"GSI4", "GSI4PK", "GSI4SK"};
// GSI5: a user's activity feed (USER#{u}#ACTIVITIES, ACTIVITY#{timestamp}#{activityId}).
inline constexpr IndexSpec kActivityIndex{"GSI5", "GSI5PK", "GSI5SK"};

inline constexpr std::array<IndexSpec, 5> kIndexes{kSeasonIndex, kAllItemsIndex, kCategoryIndex,
                                                   kSeasonCategoryIndex, kActivityIndex};

// --- Keys ------------------------------------------------------------------------------

struct RowKey {
  std::string pk;
  std::string sk;
  friend bool operator==(const RowKey&, const RowKey&) = default;
};

// `part` with '%' and '#' percent-encoded: inside a key of several parts,
// no part can then look like a separator.
std::string KeyPart(std::string_view part);

RowKey ItemMetadataKey(std::string_view item_id);
RowKey UserItemKey(std::string_view user_id, std::string_view item_id);
RowKey IdempotencyKey(std::string_view user_id, IdempotentOperation operation, std::string_view key);
RowKey ActivityKey(std::string_view user_id, std::string_view activity_id);
RowKey AppliedShareKey(std::string_view event_id);
RowKey SecretKey(std::string_view name);

// The partition of a list's index for the filters it has, and which index.
struct ItemListPartition {
  IndexSpec index;
  std::string pk;
};
ItemListPartition ItemListPartitionFor(std::string_view user_id, const std::optional<std::string>& season,
                                       const std::optional<std::string>& category);
std::string ActivityFeedPartition(std::string_view user_id);

// Index sort keys: fixed-width milliseconds then the id, so that string
// order is (time, id) order. Times before 1970 do not occur (they would
// not sort); times up to year 33658 fit.
std::string ItemSortKey(std::int64_t created_at_ms, std::string_view item_id);
std::string ActivitySortKey(std::int64_t timestamp_ms, std::string_view activity_id);

// The sort-key bound of a page that starts strictly after `position`:
// every row older in (time desc, id desc) order has a smaller sort key.
// nullopt when no row can be older (a negative time).
std::optional<std::string> ItemSortKeyBefore(const CursorPosition& position);
std::optional<std::string> ActivitySortKeyBefore(const CursorPosition& position);
// The sort-key bound of an oldest-first page of activities strictly after
// `position` in (time, id) order; nullopt when no row can be newer.
std::optional<std::string> ActivitySortKeyAfter(const CursorPosition& position);

// An applied share's marker never expires (it has no ExpiresAt). The
// embedded store may forget a marker after 7 days because it sees whether
// the event is still queued or dead-lettered; this store cannot see SQS, and
// an event may come back at any time (a dead letter redriven weeks later, and
// redriven again), so only a marker kept for good makes every application
// exactly once. A marker is about 100 bytes: a million shares a day add
// about 3 GB a month, a few cents of DynamoDB storage (docs/aws-backend.md).

// The TTL attribute's value (Unix seconds, rounded up) for a row that
// stops mattering at `expires_ms`.
std::int64_t ExpiresAtSeconds(std::int64_t expires_ms);

}  // namespace wdrbe::dynamodb
