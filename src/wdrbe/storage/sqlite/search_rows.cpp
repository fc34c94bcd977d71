#include "wdrbe/storage/sqlite/search_rows.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string_view>

#include "wdrbe/base/utf8.hpp"
#include "wdrbe/domain/search_words.hpp"
#include "wdrbe/storage/sqlite/item_rows.hpp"

namespace wdrbe::sqlite {
namespace {

// A query term becomes an FTS5 prefix query of at most this many of its
// characters, which the table's prefix indexes (migration 5: the 16-digit
// tag plus 1 to 6 characters) answer lazily, newest first, stopping when
// the page is full. A longer prefix has no index: FTS5 would merge every
// term it begins into one doclist first (a whole wardrobe's worth for
// "bench" on 100,000 items: 7 ms instead of 0.1). Longer terms are
// therefore searched by their first 6 characters, and the rows found are
// checked against the whole terms (MatchTier).
constexpr std::size_t kIndexedPrefixCharacters = 6;

constexpr int kSequenceBits = 16;
constexpr std::int64_t kSequencesPerMillisecond = std::int64_t{1} << kSequenceBits;
// Creation times under 2^46 ms (the year 4199) keep every doc positive.
constexpr std::int64_t kMaxCreatedAtMs = (std::int64_t{1} << (62 - kSequenceBits)) - 1;

// 64-bit FNV-1a as 16 lower-case hex digits: short, stable across
// versions, and alphanumeric, so the ascii tokenizer keeps it inside the
// token it leads. Two users whose tags collide only read each other's
// doclists: the query checks user_id on every row.
std::string Tag(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) tag[static_cast<std::size_t>(i)] = kHex[hash & 0xF];
  return tag;
}

// The tokens of some words, each led by the owner's tag.
void AppendTokens(std::string& column, std::string_view owner_tag, std::string_view text) {
  for (const std::string& word : SearchWordsOf(text)) {
    if (!column.empty()) column += ' ';
    column += owner_tag;
    column += word;
  }
}

// A filter value as one token: the owner's tag, a letter for the filter,
// and the value's own tag (values may hold any character).
std::string FilterToken(std::string_view owner_tag, char filter, std::string_view value) {
  std::string token(owner_tag);
  token += filter;
  token += Tag(value);
  return token;
}

struct SearchDocument {
  std::string name;
  std::string other;
  std::string filters;
};

SearchDocument DocumentOf(const Item& item) {
  const std::string owner = Tag(item.user_id);
  SearchDocument document;
  AppendTokens(document.name, owner, item.fields.name);
  if (item.fields.brand) AppendTokens(document.other, owner, *item.fields.brand);
  if (item.fields.color) AppendTokens(document.other, owner, *item.fields.color);
  AppendTokens(document.other, owner, item.fields.category);
  document.filters = FilterToken(owner, 'c', item.fields.category);
  if (item.fields.season) document.filters += ' ' + FilterToken(owner, 's', *item.fields.season);
  return document;
}

// The next free doc of the item's creation millisecond.
Result<std::int64_t> NewDoc(Connection& db, const Item& item) {
  if (item.created_at_ms < 0 || item.created_at_ms > kMaxCreatedAtMs) {
    return Error::Internal("item " + item.item_id + " has a creation time the search index cannot order");
  }
  const std::int64_t first = item.created_at_ms << kSequenceBits;
  auto stmt = db.Prepare("SELECT COALESCE(MAX(doc), -1) FROM item_search_docs WHERE doc BETWEEN ?1 AND ?2");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, first).Bind(2, first + kSequencesPerMillisecond - 1);
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  const std::int64_t last = (*stmt)->ColumnInt(0);
  if (last < 0) return first;
  if (last == first + kSequencesPerMillisecond - 1) {
    return Error::Unavailable("more than 65536 items were created in one millisecond; retry");
  }
  return last + 1;
}

Status WriteDocument(Connection& db, std::int64_t doc, const Item& item) {
  const SearchDocument document = DocumentOf(item);
  auto stmt = db.Prepare(
      "INSERT INTO item_search (rowid, item_id, name, other, filters) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)
      ->Bind(1, doc)
      .Bind(2, item.item_id)
      .Bind(3, document.name)
      .Bind(4, document.other)
      .Bind(5, document.filters);
  return (*stmt)->Run();
}

Result<std::optional<std::int64_t>> DocOf(Connection& db, const std::string& item_id) {
  auto stmt = db.Prepare("SELECT doc FROM item_search_docs WHERE item_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, item_id);
  auto step = (*stmt)->Step();
  if (!step.ok()) return step.error();
  if (*step == Statement::StepResult::kDone) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>((*stmt)->ColumnInt(0));
}

Status DeleteDocument(Connection& db, std::int64_t doc) {
  auto stmt = db.Prepare("DELETE FROM item_search WHERE rowid = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, doc);
  return (*stmt)->Run();
}

// The first kIndexedPrefixCharacters characters of `term` (all of it when
// shorter). Terms are UTF-8 (SearchWordsOf's).
std::string_view IndexedPrefix(std::string_view term) {
  std::size_t at = 0;
  for (std::size_t characters = 0; at < term.size() && characters < kIndexedPrefixCharacters; ++characters) {
    if (!NextCodePoint(term, at)) break;
  }
  return term.substr(0, at);
}

// An FTS5 query term: the owner's tag and the term's indexed prefix, as a
// prefix query. Terms hold letters, digits and marks only (SearchWordsOf),
// never a quote.
std::string PrefixTerm(std::string_view owner_tag, std::string_view term) {
  std::string out = "\"";
  out += owner_tag;
  out += IndexedPrefix(term);
  out += "\"*";
  return out;
}

// Whether the FTS5 expression of `terms` matches exactly what MatchTier
// does (no term was cut to its indexed prefix).
bool ExpressionIsExact(const std::vector<std::string>& terms) {
  return std::all_of(terms.begin(), terms.end(),
                     [](const std::string& term) { return IndexedPrefix(term).size() == term.size(); });
}

// Every term in the columns `columns` (an FTS5 column filter).
std::string EveryTermIn(std::string_view columns, std::string_view owner_tag,
                        const std::vector<std::string>& terms) {
  std::string out = "(";
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (i > 0) out += " AND ";
    out += columns;
    out += " : ";
    out += PrefixTerm(owner_tag, terms[i]);
  }
  out += ")";
  return out;
}

// The FTS5 expression of one tier of `query`.
std::string TierExpression(const SearchItemsQuery& query, SearchTier tier) {
  const std::string owner = Tag(query.user_id);
  const std::string in_name = EveryTermIn("name", owner, query.terms);
  std::string expression = tier == SearchTier::kName ? in_name
                                                     : "(" + EveryTermIn("{name other}", owner, query.terms) +
                                                           " NOT " + in_name + ")";
  if (query.season) expression += " AND filters : " + FilterToken(owner, 's', *query.season);
  if (query.category) expression += " AND filters : " + FilterToken(owner, 'c', *query.category);
  return expression;
}

// Runs one tier's query for up to `limit` rows before `before_doc`, newest
// first; appends those `keep` accepts to `rows` until `rows` holds
// `wanted`. Returns how many rows the query gave and the last one's doc.
struct Batch {
  int read = 0;
  std::int64_t last_doc = 0;
};
Result<Batch> QueryTierBatch(Connection& db, const SearchItemsQuery& query, SearchTier tier,
                             std::optional<std::int64_t> before_doc, int limit, std::size_t wanted,
                             const std::function<bool(const Item&)>& keep,
                             std::vector<std::pair<std::int64_t, Item>>& rows) {
  // FTS5 walks the doclists in descending rowid order and the LIMIT stops
  // it; the join re-checks what a tag collision or an exact filter value
  // needs (the tokens are hashes).
  std::string sql = "SELECT s.rowid, " + ItemColumnsOf("i") +
                    " FROM item_search s JOIN items i ON i.item_id = s.item_id WHERE item_search MATCH ?1";
  if (before_doc) sql += " AND s.rowid < ?2";
  sql += " AND i.user_id = ?3";
  if (query.season) sql += " AND i.season = ?4";
  if (query.category) sql += " AND i.category = ?5";
  sql += " ORDER BY s.rowid DESC LIMIT ?6";
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.Bind(1, TierExpression(query, tier));
  if (before_doc) s.Bind(2, *before_doc);
  s.Bind(3, query.user_id);
  if (query.season) s.Bind(4, *query.season);
  if (query.category) s.Bind(5, *query.category);
  s.Bind(6, std::int64_t{limit});
  Batch batch;
  while (rows.size() < wanted) {
    auto step = s.Step();
    if (!step.ok()) return step.error();
    if (*step == Statement::StepResult::kDone) break;
    ++batch.read;
    batch.last_doc = s.ColumnInt(0);
    Item item = ReadItem(s, 1);
    if (keep(item)) rows.emplace_back(batch.last_doc, std::move(item));
  }
  return batch;
}

// Appends matches of one tier, newest first, before `before_doc`, until
// `rows` holds `wanted` or the tier has no more.
Status QueryTier(Connection& db, const SearchItemsQuery& query, SearchTier tier,
                 std::optional<std::int64_t> before_doc, std::size_t wanted,
                 std::vector<std::pair<std::int64_t, Item>>& rows) {
  const bool exact = ExpressionIsExact(query.terms);
  const auto keep = [&](const Item& item) { return exact || MatchTier(item.fields, query.terms) == tier; };
  for (;;) {
    // An inexact expression may give rows that the whole terms refuse: ask
    // for more than are missing, and again after the last row read.
    const std::size_t missing = wanted - rows.size();
    const int limit = static_cast<int>(exact ? missing : std::max<std::size_t>(2 * missing, 64));
    auto batch = QueryTierBatch(db, query, tier, before_doc, limit, wanted, keep, rows);
    if (!batch.ok()) return batch.error();
    if (rows.size() >= wanted || batch->read < limit) return Status::Ok();
    before_doc = batch->last_doc;
  }
}

}  // namespace

Status IndexForSearch(Connection& db, const Item& item) {
  auto doc = NewDoc(db, item);
  if (!doc.ok()) return doc.error();
  auto stmt = db.Prepare("INSERT INTO item_search_docs (item_id, doc) VALUES (?1, ?2)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, item.item_id).Bind(2, *doc);
  if (Status s = (*stmt)->Run(); !s.ok()) return s;
  return WriteDocument(db, *doc, item);
}

Status ReindexForSearch(Connection& db, const Item& item) {
  auto doc = DocOf(db, item.item_id);
  if (!doc.ok()) return doc.error();
  if (!*doc) return IndexForSearch(db, item);
  if (Status s = DeleteDocument(db, **doc); !s.ok()) return s;
  return WriteDocument(db, **doc, item);
}

Status UnindexForSearch(Connection& db, const std::string& item_id) {
  auto doc = DocOf(db, item_id);
  if (!doc.ok()) return doc.error();
  if (!*doc) return Status::Ok();
  if (Status s = DeleteDocument(db, **doc); !s.ok()) return s;
  auto stmt = db.Prepare("DELETE FROM item_search_docs WHERE item_id = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->Bind(1, item_id);
  return (*stmt)->Run();
}

Status IndexEveryItemForSearch(Connection& db) {
  auto stmt = db.Prepare(std::string("SELECT ") + kItemColumns + " FROM items ORDER BY created_at, item_id");
  if (!stmt.ok()) return stmt.error();
  for (;;) {
    auto step = (*stmt)->Step();
    if (!step.ok()) return step.error();
    if (*step == Statement::StepResult::kDone) return Status::Ok();
    if (Status s = IndexForSearch(db, ReadItem(**stmt)); !s.ok()) return s;
  }
}

Result<SearchPage> QuerySearch(Connection& db, const SearchItemsQuery& query) {
  if (query.limit < 1) return Error::BadRequest("limit must be positive");
  if (query.terms.empty()) return Error::BadRequest("a search needs at least one term");
  // One row more than the page tells, exactly, whether another exists.
  const int wanted = query.limit + 1;
  std::vector<std::pair<std::int64_t, Item>> rows;
  std::vector<SearchTier> tiers_of_rows;
  const int first_tier = query.after ? static_cast<int>(query.after->tier) : 0;
  for (int t = first_tier; t < kSearchTierCount && static_cast<int>(rows.size()) < wanted; ++t) {
    const auto tier = static_cast<SearchTier>(t);
    std::optional<std::int64_t> before;
    if (query.after && query.after->tier == tier) before = query.after->sort_key;
    if (Status s = QueryTier(db, query, tier, before, static_cast<std::size_t>(wanted), rows); !s.ok()) {
      return s.error();
    }
    tiers_of_rows.resize(rows.size(), tier);
  }
  SearchPage page;
  const bool more = static_cast<int>(rows.size()) > query.limit;
  if (more) rows.resize(static_cast<std::size_t>(query.limit));
  page.items.reserve(rows.size());
  for (auto& [doc, item] : rows) page.items.push_back(std::move(item));
  if (more) {
    page.next = SearchPosition{tiers_of_rows[rows.size() - 1], rows.back().first, page.items.back().item_id};
  }
  return page;
}

}  // namespace wdrbe::sqlite
