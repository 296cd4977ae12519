// A thin C++ layer over the SQLite C API, shared by the embedded store (store/sqlite) and the
// embedded queue (queue/embedded), which keep everything in one file (DATA_DIR/crawler.db).
//
// Design and trade-offs:
//   - One Database is one connection and is NOT thread-safe: callers own a connection per
//     thread or guard one with a mutex. SQLite serialises writers per file anyway, so the
//     gain from more connections is concurrent reads, which WAL mode allows.
//   - Every connection is opened the same way: WAL journal (readers never block the writer,
//     and a crash leaves the last committed transaction intact), synchronous=NORMAL (a
//     power loss may lose the last transactions but never corrupts; a process crash loses
//     nothing committed), foreign keys on, and a busy timeout so two connections wait for
//     each other instead of failing with SQLITE_BUSY.
//   - Errors are exceptions: sqlite::Error carrying SQLite's extended result code, so the
//     layers above can map a constraint violation (a duplicate) differently from a broken
//     file.
//   - Statements are prepared once and cached per connection by their SQL text
//     (Database::prepare), which is what makes SQLite fast for the small, repeated queries
//     a queue and a store make.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace crawler::sqlite {

class Error : public std::runtime_error {
 public:
  Error(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
  // SQLite's extended result code (e.g. SQLITE_CONSTRAINT_UNIQUE).
  int code() const { return code_; }
  bool is_constraint() const { return (code_ & 0xff) == SQLITE_CONSTRAINT; }
  bool is_busy() const { return (code_ & 0xff) == SQLITE_BUSY || (code_ & 0xff) == SQLITE_LOCKED; }

 private:
  int code_;
};

class Database;

// A prepared statement, reset and with its bindings cleared whenever it is handed out again.
// Bind indexes start at 1 (SQLite's convention); column indexes at 0.
class Statement {
 public:
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances to the next row: true when there is one, false when done.
  bool step();
  // Runs a statement that returns no rows (or ignores them).
  void run();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;  // "" for NULL
  std::optional<std::int64_t> optional_int64(int column) const;
  std::optional<std::string> optional_text(int column) const;

  // Puts the statement back to its first step (done automatically by Database::prepare).
  void reset();

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void check(int rc, const char* what) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

struct OpenOptions {
  std::chrono::milliseconds busy_timeout{5000};
  bool read_only = false;
};

class Database {
 public:
  // Opens (creating if needed) the file at `path`; ":memory:" works for tests. Throws Error
  // naming the path when the file cannot be opened or is not a SQLite database.
  explicit Database(const std::string& path, const OpenOptions& options = {});
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements without results (schema, PRAGMAs).
  void exec(std::string_view sql);
  // The cached prepared statement for `sql`, reset and unbound. The reference stays valid
  // for the connection's life; do not hold it across another prepare() of the same SQL.
  Statement& prepare(const std::string& sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back by the destructor unless committed. IMMEDIATE takes
// the write lock up front, so a read-then-write transaction cannot fail half-way with
// SQLITE_BUSY when another connection wrote in between (the busy timeout waits instead).
class Transaction {
 public:
  enum class Mode { deferred, immediate };
  explicit Transaction(Database& db, Mode mode = Mode::immediate);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// Applies each step once: the table schema_versions records the last version applied
// per `component` (several components share one file: the embedded queue, the store), so
// reopening an existing file is a no-op and a newer binary adds its steps in order. Each
// step runs in its own transaction with its version record.
struct SchemaStep {
  int version;
  std::string_view sql;
};
void apply_schema(Database& db, std::string_view component,
                  std::initializer_list<SchemaStep> steps);

}  // namespace crawler::sqlite
