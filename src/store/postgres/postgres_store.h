// PostgresStore: the Store interface (store/store.h) over PostgreSQL, through a connection
// Pool. Every statement is parameterised; the only SQL assembled at run time is chosen from
// fixed fragments (ORDER BY per sort key, optional WHERE terms), never from caller text.
//
// Split by subject: postgres_store.cpp (keywords, ranking reads, reset), postgres_record.cpp
// (record_ranking), postgres_bulk.cpp (bulk searches). Multi-statement writes run in a
// Transaction on one leased connection; row locks (SELECT ... FOR UPDATE) order concurrent
// writers of the same keyword or bulk row, and uniqueness is left to the database's
// constraints (ON CONFLICT), so no check-then-insert race exists.
//
// Time: the schema stores timestamptz, values cross as epoch milliseconds (rows.h), and the
// pool sets every session to UTC.
#pragma once

#include <memory>

#include "store/postgres/pool.h"
#include "store/store.h"

namespace crawler::store::postgres {

class PostgresStore final : public Store {
 public:
  // The schema must be migrated (migrate.h) before the first call.
  explicit PostgresStore(std::shared_ptr<Pool> pool);

  Keyword add_keyword(const NewKeyword& keyword) override;
  std::optional<Keyword> get_keyword(std::int64_t id) override;
  KeywordPage list_keywords(const KeywordQuery& query) override;
  std::optional<Keyword> update_keyword(std::int64_t id, const KeywordUpdate& update) override;
  bool delete_keyword(std::int64_t id) override;
  std::vector<Keyword> due_keywords(Timestamp now, std::chrono::milliseconds interval,
                                    int limit) override;
  void for_each_due_keyword(Timestamp now, std::chrono::milliseconds interval, int batch,
                            const std::function<void(std::vector<Keyword>&)>& on_batch) override;

  std::vector<Ranking> latest_rankings(int limit, std::optional<std::int64_t> keyword_id) override;
  std::vector<Ranking> keyword_rankings(std::int64_t keyword_id, int limit) override;
  RankingWriteResult record_ranking(const RankingWrite& write) override;

  BulkSearchCreated create_bulk_search(const NewBulkSearch& search, Timestamp now,
                                       std::chrono::milliseconds cache_interval) override;
  BulkSearchPage list_bulk_searches(int page, int limit) override;
  std::optional<BulkSearch> get_bulk_search(std::int64_t id) override;
  BulkKeywordPage bulk_search_keywords(std::int64_t bulk_search_id, int page, int limit,
                                       std::optional<BulkKeywordStatus> status) override;
  bool delete_bulk_search(std::int64_t id) override;
  bool mark_bulk_keyword(std::int64_t bulk_search_keyword_id, BulkKeywordStatus status,
                         Timestamp now) override;

  void reset() override;

  Pool& pool() { return *pool_; }

 private:
  std::shared_ptr<Pool> pool_;
};

}  // namespace crawler::store::postgres
