#include "queue/embedded/job_table.h"

#include <algorithm>
#include <boost/json.hpp>

#include "queue/bull/opts_json.h"
#include "queue/stacktrace.h"

namespace crawler::queue::embedded {
namespace {

namespace json = boost::json;

constexpr const char* kColumns =
    "id, name, data, opts, timestamp, delay, priority, attempts_made, processed_on, "
    "finished_on, progress, return_value, failed_reason, stacktrace";

std::string select_from(const std::string& rest) {
  return std::string("SELECT ") + kColumns + " FROM queue_jobs WHERE queue = ?1 " + rest;
}

// The JobCounts field of a state (stuck jobs do not exist here).
std::int64_t JobCounts::*count_of(JobState s) {
  switch (s) {
    case JobState::waiting:
      return &JobCounts::waiting;
    case JobState::active:
      return &JobCounts::active;
    case JobState::completed:
      return &JobCounts::completed;
    case JobState::failed:
      return &JobCounts::failed;
    case JobState::delayed:
      return &JobCounts::delayed;
    case JobState::paused:
    case JobState::stuck:
      break;
  }
  return &JobCounts::paused;
}

// ORDER BY of each state for get_jobs(asc = true); Bull's order for its lists and zsets:
// waiting/paused by place in line (next to run first), active by start, delayed by due time,
// completed/failed by finishing time.
std::string order_of(JobState s, bool asc) {
  const char* dir = asc ? "ASC" : "DESC";
  std::string d(dir);
  switch (s) {
    case JobState::waiting:
    case JobState::paused:
      return "lane " + d + ", ord_priority " + d + ", seq " + d;
    case JobState::active:
      return "processed_on " + d + ", seq " + d;
    case JobState::delayed:
      return "due_at " + d + ", seq " + d;
    default:
      return "finished_on " + d + ", seq " + d;
  }
}

// The new data text with each of `fields` that the old data has (not null) and the new data
// lacks, appended before its closing brace, as addJobsUnlessActive.lua does; unchanged when
// either is not a JSON object.
std::string inherit_fields(const std::string& old_text, const std::string& new_text,
                           const std::vector<std::string>& fields) {
  if (fields.empty()) return new_text;
  json::error_code ec;
  const auto old_value = json::parse(old_text, ec);
  if (ec || !old_value.is_object()) return new_text;
  const auto new_value = json::parse(new_text, ec);
  if (ec || !new_value.is_object()) return new_text;
  std::string added;
  for (const auto& name : fields) {
    const auto* v = old_value.get_object().if_contains(name);
    if (v == nullptr || v->is_null() || new_value.get_object().contains(name)) continue;
    if (!added.empty()) added += ',';
    added += json::serialize(json::string(name)) + ":" + json::serialize(*v);
  }
  if (added.empty()) return new_text;
  const auto close = new_text.rfind('}');
  return new_text.substr(0, close) + (new_value.get_object().empty() ? "" : ",") + added + "}";
}

}  // namespace

void create_tables(sqlite::Database& db) {
  sqlite::apply_schema(db, "queue", {{1, R"sql(
CREATE TABLE IF NOT EXISTS queue_meta (
  queue    TEXT PRIMARY KEY,
  next_id  INTEGER NOT NULL DEFAULT 0,
  next_seq INTEGER NOT NULL DEFAULT 0,
  paused   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS queue_jobs (
  queue         TEXT NOT NULL,
  id            TEXT NOT NULL,
  name          TEXT NOT NULL,
  data          TEXT NOT NULL,
  opts          TEXT NOT NULL,
  timestamp     INTEGER NOT NULL,
  delay         INTEGER NOT NULL,
  priority      INTEGER NOT NULL,
  state         TEXT NOT NULL,
  lane          INTEGER NOT NULL,
  ord_priority  INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  due_at        INTEGER,
  attempts_made INTEGER NOT NULL DEFAULT 0,
  stalled_count INTEGER NOT NULL DEFAULT 0,
  processed_on  INTEGER,
  finished_on   INTEGER,
  progress      TEXT NOT NULL DEFAULT '0',
  return_value  TEXT,
  failed_reason TEXT,
  stacktrace    TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (queue, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS queue_jobs_line ON queue_jobs (queue, state, lane, ord_priority, seq);
CREATE INDEX IF NOT EXISTS queue_jobs_due ON queue_jobs (queue, state, due_at);
CREATE INDEX IF NOT EXISTS queue_jobs_finished ON queue_jobs (queue, state, finished_on);
CREATE TABLE IF NOT EXISTS queue_job_logs (
  queue   TEXT NOT NULL,
  id      TEXT NOT NULL,
  line_no INTEGER NOT NULL,
  line    TEXT NOT NULL,
  PRIMARY KEY (queue, id, line_no)
) WITHOUT ROWID;
)sql"}});
}

JobTable::JobTable(sqlite::Database& db, std::string queue) : db_(db), queue_(std::move(queue)) {}

std::int64_t JobTable::next_counter(const char* column) {
  db_.prepare("INSERT OR IGNORE INTO queue_meta (queue) VALUES (?1)").bind(1, queue_).run();
  auto& s = db_.prepare(std::string("UPDATE queue_meta SET ") + column + " = " + column +
                        " + 1 WHERE queue = ?1 RETURNING " + column);
  s.bind(1, queue_);
  s.step();
  auto value = s.int64(0);
  s.reset();
  return value;
}

JobTable::Place JobTable::place_for(const JobOptions& opts, bool head) {
  auto seq = next_counter("next_seq");
  if (head || (opts.lifo && opts.priority == 0)) return {0, 0, -seq};
  if (opts.priority > 0) return {1, opts.priority, seq};
  return {2, 0, seq};
}

void JobTable::put_in_line(const std::string& id, const Place& place, std::string_view also_set) {
  db_.prepare("UPDATE queue_jobs SET state = ?3, lane = ?4, ord_priority = ?5, seq = ?6" +
              std::string(also_set) + " WHERE queue = ?1 AND id = ?2")
      .bind(1, queue_)
      .bind(2, id)
      .bind(3, paused() ? "paused" : "waiting")
      .bind(4, place.lane)
      .bind(5, place.ord_priority)
      .bind(6, place.seq)
      .run();
}

void JobTable::erase(const std::string& id) {
  db_.prepare("DELETE FROM queue_jobs WHERE queue = ?1 AND id = ?2")
      .bind(1, queue_)
      .bind(2, id)
      .run();
  db_.prepare("DELETE FROM queue_job_logs WHERE queue = ?1 AND id = ?2")
      .bind(1, queue_)
      .bind(2, id)
      .run();
}

std::string JobTable::insert(const NewJob& job, std::int64_t now) {
  std::string id;
  if (job.opts.job_id && !job.opts.job_id->empty()) {
    id = *job.opts.job_id;
    auto& exists = db_.prepare("SELECT 1 FROM queue_jobs WHERE queue = ?1 AND id = ?2");
    exists.bind(1, queue_).bind(2, id);
    bool found = exists.step();
    exists.reset();
    if (found) return id;
  } else {
    id = std::to_string(next_counter("next_id"));
  }
  const std::int64_t timestamp = job.opts.timestamp.value_or(now);
  const std::int64_t delay = job.opts.delay.count();
  std::string state = delay > 0 ? "delayed" : (paused() ? "paused" : "waiting");
  auto place = place_for(job.opts, false);
  db_.prepare(
         "INSERT INTO queue_jobs (queue, id, name, data, opts, timestamp, delay, priority, state, "
         "lane, ord_priority, seq, due_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
         "?12, ?13)")
      .bind(1, queue_)
      .bind(2, id)
      .bind(3, job.name)
      .bind(4, job.data)
      .bind(5, bull::to_opts_json(job.opts, timestamp))
      .bind(6, timestamp)
      .bind(7, delay)
      .bind(8, job.opts.priority)
      .bind(9, state)
      .bind(10, place.lane)
      .bind(11, place.ord_priority)
      .bind(12, place.seq)
      .bind(13, delay > 0 ? std::optional<std::int64_t>(timestamp + delay) : std::nullopt)
      .run();
  return id;
}

std::string JobTable::add(const NewJob& job, std::int64_t now) {
  sqlite::Transaction tx(db_);
  auto id = insert(job, now);
  tx.commit();
  return id;
}

std::vector<std::string> JobTable::add_bulk(const std::vector<NewJob>& jobs, std::int64_t now) {
  sqlite::Transaction tx(db_);
  std::vector<std::string> ids;
  ids.reserve(jobs.size());
  for (const auto& job : jobs) ids.push_back(insert(job, now));
  tx.commit();
  return ids;
}

std::vector<Queue::AddOutcome> JobTable::add_bulk_unless_pending(const std::vector<NewJob>& jobs,
                                                                 std::int64_t now) {
  for (const auto& job : jobs)
    if (!job.opts.job_id || job.opts.job_id->empty())
      throw std::invalid_argument("add_bulk_unless_pending: every job needs a custom id");
  sqlite::Transaction tx(db_);
  std::vector<Queue::AddOutcome> out;
  out.reserve(jobs.size());
  for (const auto& job : jobs) {
    auto current = state(*job.opts.job_id);
    auto outcome = Queue::AddOutcome::added;
    if (current) {
      if (*current != JobState::completed && *current != JobState::failed) {
        out.push_back(Queue::AddOutcome::skipped);
        continue;
      }
      erase(*job.opts.job_id);
      outcome = Queue::AddOutcome::replaced;
    }
    insert(job, now);
    out.push_back(outcome);
  }
  tx.commit();
  return out;
}

std::vector<Queue::AddOutcome> JobTable::add_bulk_unless_active(
    const std::vector<NewJob>& jobs, const std::vector<std::string>& inherited_fields,
    std::int64_t now) {
  for (const auto& job : jobs)
    if (!job.opts.job_id || job.opts.job_id->empty())
      throw std::invalid_argument("add_bulk_unless_active: every job needs a custom id");
  sqlite::Transaction tx(db_);
  std::vector<Queue::AddOutcome> out;
  out.reserve(jobs.size());
  for (const auto& job : jobs) {
    const auto& id = *job.opts.job_id;
    auto current = state(id);
    if (current == JobState::active) {
      out.push_back(Queue::AddOutcome::skipped);
      continue;
    }
    if (!current) {
      insert(job, now);
      out.push_back(Queue::AddOutcome::added);
      continue;
    }
    NewJob replacement = job;
    if (*current != JobState::completed && *current != JobState::failed)
      if (auto old = get(id))
        replacement.data = inherit_fields(old->data, job.data, inherited_fields);
    erase(id);
    insert(replacement, now);
    out.push_back(Queue::AddOutcome::replaced);
  }
  tx.commit();
  return out;
}

Job JobTable::read_job(sqlite::Statement& row) {
  Job j;
  j.id = row.text(0);
  j.name = row.text(1);
  j.data = row.text(2);
  j.opts_json = row.text(3);
  try {
    j.opts = bull::parse_opts_json(j.opts_json);
  } catch (const std::invalid_argument&) {
    // Written by us, so always an object; a hand-edited file keeps the defaults.
  }
  j.timestamp = row.int64(4);
  j.delay = row.int64(5);
  j.priority = row.int64(6);
  j.attempts_made = static_cast<int>(row.int64(7));
  j.processed_on = row.optional_int64(8);
  j.finished_on = row.optional_int64(9);
  j.progress = row.text(10);
  j.return_value = row.optional_text(11);
  j.failed_reason = row.optional_text(12);
  j.stacktrace = parse_stacktrace(row.text(13));
  return j;
}

std::optional<Job> JobTable::get(const std::string& id) {
  auto& s = db_.prepare(select_from("AND id = ?2"));
  s.bind(1, queue_).bind(2, id);
  std::optional<Job> out;
  if (s.step()) out = read_job(s);
  s.reset();
  return out;
}

std::optional<JobState> JobTable::state(const std::string& id) {
  auto& s = db_.prepare("SELECT state FROM queue_jobs WHERE queue = ?1 AND id = ?2");
  s.bind(1, queue_).bind(2, id);
  std::optional<JobState> out;
  if (s.step()) out = job_state_from_string(s.text(0));
  s.reset();
  return out;
}

JobCounts JobTable::counts() {
  auto& s = db_.prepare("SELECT state, count(*) FROM queue_jobs WHERE queue = ?1 GROUP BY state");
  s.bind(1, queue_);
  JobCounts c;
  while (s.step()) {
    const auto state = job_state_from_string(s.text(0));
    if (state != JobState::stuck) c.*count_of(state) = s.int64(1);
  }
  return c;
}

std::vector<Job> JobTable::list(const std::vector<JobState>& states, std::int64_t start,
                                std::int64_t end, bool asc) {
  std::vector<Job> out;
  for (JobState st : states) {
    if (st == JobState::stuck) continue;
    // Redis's range rules: negative indexes count from the end, both ends inclusive.
    auto& count = db_.prepare("SELECT count(*) FROM queue_jobs WHERE queue = ?1 AND state = ?2");
    count.bind(1, queue_).bind(2, std::string(to_string(st)));
    count.step();
    const std::int64_t n = count.int64(0);
    count.reset();
    std::int64_t from = start < 0 ? start + n : start;
    std::int64_t to = end < 0 ? end + n : end;
    from = std::max<std::int64_t>(from, 0);
    to = std::min(to, n - 1);
    if (n == 0 || from > to) continue;
    auto& s = db_.prepare(
        select_from("AND state = ?2 ORDER BY " + order_of(st, asc) + " LIMIT ?3 OFFSET ?4"));
    s.bind(1, queue_).bind(2, std::string(to_string(st))).bind(3, to - from + 1).bind(4, from);
    while (s.step()) out.push_back(read_job(s));
  }
  return out;
}

bool JobTable::remove(const std::string& id) {
  sqlite::Transaction tx(db_);
  auto current = state(id);
  if (!current || *current == JobState::active) return false;
  erase(id);
  tx.commit();
  return true;
}

void JobTable::retry(const std::string& id) {
  sqlite::Transaction tx(db_);
  auto job = get(id);
  if (!job) throw JobNotFound("job " + id + " not found");
  if (state(id) != JobState::failed)
    throw InvalidJobState("job " + id + " is not failed, cannot be retried");
  // As Bull's reprocessJob: back in line, finishedOn/processedOn/failedReason cleared,
  // attemptsMade kept.
  put_in_line(id, place_for(job->opts, false),
              ", finished_on = NULL, processed_on = NULL, failed_reason = NULL");
  tx.commit();
}

void JobTable::promote(const std::string& id) {
  sqlite::Transaction tx(db_);
  auto job = get(id);
  if (!job || state(id) != JobState::delayed)
    throw InvalidJobState("job " + id + " is not in the delayed state");
  put_in_line(id, place_for(job->opts, false), ", due_at = NULL, delay = 0");
  tx.commit();
}

std::vector<std::string> JobTable::clean(std::int64_t older_than, JobState st, std::int64_t limit) {
  std::vector<std::string> ids;
  // Active jobs are running in this process (or recovered on its next start): never cleaned.
  if (st == JobState::active || st == JobState::stuck) return ids;
  sqlite::Transaction tx(db_);
  auto& s = db_.prepare(
      "SELECT id FROM queue_jobs WHERE queue = ?1 AND state = ?2 AND "
      "coalesce(finished_on, processed_on, timestamp) < ?3 "
      "ORDER BY coalesce(finished_on, processed_on, timestamp), seq LIMIT ?4");
  s.bind(1, queue_)
      .bind(2, std::string(to_string(st)))
      .bind(3, older_than)
      .bind(4, limit > 0 ? limit : -1);
  while (s.step()) ids.push_back(s.text(0));
  s.reset();
  for (const auto& id : ids) {
    erase(id);
  }
  tx.commit();
  return ids;
}

void JobTable::set_paused(bool pause) {
  sqlite::Transaction tx(db_);
  db_.prepare("INSERT OR IGNORE INTO queue_meta (queue) VALUES (?1)").bind(1, queue_).run();
  db_.prepare("UPDATE queue_meta SET paused = ?2 WHERE queue = ?1")
      .bind(1, queue_)
      .bind(2, pause ? 1 : 0)
      .run();
  db_.prepare("UPDATE queue_jobs SET state = ?3 WHERE queue = ?1 AND state = ?2")
      .bind(1, queue_)
      .bind(2, pause ? "waiting" : "paused")
      .bind(3, pause ? "paused" : "waiting")
      .run();
  tx.commit();
}

bool JobTable::paused() {
  auto& s = db_.prepare("SELECT paused FROM queue_meta WHERE queue = ?1");
  s.bind(1, queue_);
  bool out = s.step() && s.int64(0) != 0;
  s.reset();
  return out;
}

void JobTable::empty() {
  sqlite::Transaction tx(db_);
  db_.prepare(
         "DELETE FROM queue_job_logs WHERE queue = ?1 AND id IN (SELECT id FROM queue_jobs WHERE "
         "queue = ?1 AND state IN ('waiting', 'paused', 'delayed'))")
      .bind(1, queue_)
      .run();
  db_.prepare(
         "DELETE FROM queue_jobs WHERE queue = ?1 AND state IN ('waiting', 'paused', 'delayed')")
      .bind(1, queue_)
      .run();
  tx.commit();
}

void JobTable::obliterate(bool force) {
  sqlite::Transaction tx(db_);
  if (!force && counts().active > 0)
    throw InvalidJobState("cannot obliterate queue " + queue_ + " with active jobs");
  db_.prepare("DELETE FROM queue_job_logs WHERE queue = ?1").bind(1, queue_).run();
  db_.prepare("DELETE FROM queue_jobs WHERE queue = ?1").bind(1, queue_).run();
  db_.prepare("DELETE FROM queue_meta WHERE queue = ?1").bind(1, queue_).run();
  tx.commit();
}

std::optional<Job> JobTable::take_next(std::int64_t now) {
  sqlite::Transaction tx(db_);
  std::vector<std::string> due;
  {
    auto& s = db_.prepare(
        "SELECT id FROM queue_jobs WHERE queue = ?1 AND state = 'delayed' AND due_at <= ?2 "
        "ORDER BY due_at, seq");
    s.bind(1, queue_).bind(2, now);
    while (s.step()) due.push_back(s.text(0));
  }
  for (const auto& id : due) put_in_line(id, place_for(get(id)->opts, false), ", due_at = NULL");
  std::optional<Job> out;
  if (!paused()) {
    auto& s =
        db_.prepare(select_from("AND state = 'waiting' ORDER BY lane, ord_priority, seq LIMIT 1"));
    s.bind(1, queue_);
    if (s.step()) out = read_job(s);
    s.reset();
    if (out) {
      out->processed_on = now;
      db_.prepare(
             "UPDATE queue_jobs SET state = 'active', processed_on = ?3 "
             "WHERE queue = ?1 AND id = ?2")
          .bind(1, queue_)
          .bind(2, out->id)
          .bind(3, now)
          .run();
    }
  }
  tx.commit();
  return out;
}

std::optional<std::int64_t> JobTable::next_due() {
  auto& s =
      db_.prepare("SELECT min(due_at) FROM queue_jobs WHERE queue = ?1 AND state = 'delayed'");
  s.bind(1, queue_);
  std::optional<std::int64_t> out;
  if (s.step()) out = s.optional_int64(0);
  s.reset();
  return out;
}

void JobTable::trim_finished(const char* st, std::int64_t keep) {
  if (keep < 0) return;
  const std::string victims =
      "SELECT id FROM queue_jobs WHERE queue = ?1 AND state = ?2 "
      "ORDER BY finished_on DESC, seq DESC LIMIT -1 OFFSET ?3";
  db_.prepare("DELETE FROM queue_job_logs WHERE queue = ?1 AND id IN (" + victims + ")")
      .bind(1, queue_)
      .bind(2, st)
      .bind(3, keep)
      .run();
  db_.prepare("DELETE FROM queue_jobs WHERE queue = ?1 AND id IN (" + victims + ")")
      .bind(1, queue_)
      .bind(2, st)
      .bind(3, keep)
      .run();
}

bool JobTable::complete(const Job& job, const std::string& return_value, std::int64_t now) {
  sqlite::Transaction tx(db_);
  if (state(job.id) != JobState::active) return false;
  db_.prepare(
         "UPDATE queue_jobs SET state = 'completed', finished_on = ?3, return_value = ?4 "
         "WHERE queue = ?1 AND id = ?2")
      .bind(1, queue_)
      .bind(2, job.id)
      .bind(3, now)
      .bind(4, return_value)
      .run();
  trim_finished("completed", job.opts.remove_on_complete.count());
  tx.commit();
  return true;
}

bool JobTable::fail(const Job& job, const std::string& reason, const FailAction& action,
                    std::int64_t now) {
  sqlite::Transaction tx(db_);
  if (state(job.id) != JobState::active) return false;
  db_.prepare(
         "UPDATE queue_jobs SET attempts_made = ?3, failed_reason = ?4, stacktrace = ?5 "
         "WHERE queue = ?1 AND id = ?2")
      .bind(1, queue_)
      .bind(2, job.id)
      .bind(3, job.attempts_made)
      .bind(4, reason)
      .bind(5, append_stacktrace(job.stacktrace, reason, job.opts.stack_trace_limit))
      .run();
  switch (action.kind) {
    case FailAction::Kind::failed:
      db_.prepare(
             "UPDATE queue_jobs SET state = 'failed', finished_on = ?3 "
             "WHERE queue = ?1 AND id = ?2")
          .bind(1, queue_)
          .bind(2, job.id)
          .bind(3, now)
          .run();
      trim_finished("failed", job.opts.remove_on_fail.count());
      break;
    case FailAction::Kind::delayed:
      db_.prepare(
             "UPDATE queue_jobs SET state = 'delayed', due_at = ?3 WHERE queue = ?1 AND id = ?2")
          .bind(1, queue_)
          .bind(2, job.id)
          .bind(3, action.due_at)
          .run();
      break;
    case FailAction::Kind::retry:
      put_in_line(job.id, place_for(job.opts, false), "");
      break;
  }
  tx.commit();
  return true;
}

void JobTable::hand_back(const std::string& id) {
  sqlite::Transaction tx(db_);
  if (state(id) != JobState::active) return;
  put_in_line(id, place_for({}, true), ", processed_on = NULL");
  tx.commit();
}

std::vector<std::string> JobTable::recover_active(int max_stalled, std::int64_t now) {
  sqlite::Transaction tx(db_);
  std::vector<std::pair<std::string, std::int64_t>> active;
  {
    auto& s = db_.prepare(
        "SELECT id, stalled_count FROM queue_jobs WHERE queue = ?1 AND state = 'active' "
        "ORDER BY processed_on, seq");
    s.bind(1, queue_);
    while (s.step()) active.emplace_back(s.text(0), s.int64(1));
  }
  std::vector<std::string> failed;
  for (const auto& [id, stalled] : active) {
    if (stalled + 1 > max_stalled) {
      auto job = get(id);
      db_.prepare(
             "UPDATE queue_jobs SET state = 'failed', finished_on = ?3, stalled_count = ?4, "
             "failed_reason = ?5, stacktrace = ?6 WHERE queue = ?1 AND id = ?2")
          .bind(1, queue_)
          .bind(2, id)
          .bind(3, now)
          .bind(4, stalled + 1)
          .bind(5, "job stalled more than allowable limit")
          .bind(6, append_stacktrace(job->stacktrace, "job stalled more than allowable limit",
                                     job->opts.stack_trace_limit))
          .run();
      failed.push_back(id);
      continue;
    }
    put_in_line(id, place_for({}, true),
                ", stalled_count = stalled_count + 1, processed_on = NULL");
  }
  tx.commit();
  return failed;
}

void JobTable::set_progress(const std::string& id, const std::string& json_text) {
  db_.prepare("UPDATE queue_jobs SET progress = ?3 WHERE queue = ?1 AND id = ?2")
      .bind(1, queue_)
      .bind(2, id)
      .bind(3, json_text)
      .run();
}

void JobTable::add_log(const std::string& id, const std::string& line) {
  db_.prepare(
         "INSERT INTO queue_job_logs (queue, id, line_no, line) VALUES (?1, ?2, (SELECT "
         "coalesce(max(line_no), 0) + 1 FROM queue_job_logs WHERE queue = ?1 AND id = ?2), ?3)")
      .bind(1, queue_)
      .bind(2, id)
      .bind(3, line)
      .run();
}

}  // namespace crawler::queue::embedded
