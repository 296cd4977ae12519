// How PostgresStore maps rows to the model: the column lists its SELECTs and RETURNINGs use,
// and the decoders that read them back, in one place so the two cannot disagree.
//
// Timestamps cross the wire as integer milliseconds since the epoch, both ways: selected with
// kMs(...) and bound with ts_param(n). That avoids parsing the server's text format (which
// depends on DateStyle and time zone settings) and keeps the instant exact.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "store/model.h"
#include "store/postgres/connection.h"

namespace crawler::store::postgres::rows {

// SQL for "the timestamptz value of parameter $n, given in epoch milliseconds".
std::string ts_param(int n);

// Column lists; the table aliases they assume are in their names.
extern const char* const kKeywordColumnsK;       // keywords k
extern const char* const kRankingColumnsRK;      // keyword_rankings r JOIN keywords k
extern const char* const kBulkSearchColumnsB;    // bulk_searches b
extern const char* const kBulkKeywordColumnsBK;  // bulk_search_keywords bk

Keyword keyword(const Connection::Row& row, std::size_t first = 0);
Ranking ranking(const Connection::Row& row, std::size_t first = 0);
BulkSearch bulk_search(const Connection::Row& row, std::size_t first = 0);
BulkSearchKeyword bulk_keyword(const Connection::Row& row, std::size_t first = 0);

// Field decoders (throw store::Error on a NULL where a value is required or on bad text).
std::int64_t i64(const std::optional<std::string>& field);
std::optional<std::int64_t> opt_i64(const std::optional<std::string>& field);
std::optional<int> opt_int(const std::optional<std::string>& field);
Timestamp ts(const std::optional<std::string>& field);
std::optional<Timestamp> opt_ts(const std::optional<std::string>& field);
std::string text(const std::optional<std::string>& field);

}  // namespace crawler::store::postgres::rows
