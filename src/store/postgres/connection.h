// A thin RAII handle over one libpq connection: the base of the PostgreSQL store (pool,
// migrations and queries build on it). Every query is parameterised; nothing is spliced into SQL.
//
// Errors: a failing statement throws Error (carrying the SQLSTATE); a statement that fails
// because the connection itself is gone (server restarted, network cut) throws ConnectionLost,
// a store::Unavailable, so callers see "try again later" rather than "your query is wrong",
// and the pool drops the connection (ok() is false from then on).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "store/errors.h"

namespace crawler::store::postgres {

class Error : public store::Error {
 public:
  explicit Error(const std::string& message, std::string state = {})
      : store::Error(message), sqlstate(std::move(state)) {}
  std::string sqlstate;  // e.g. "23505"; empty when the server sent none
};

class ConnectionLost : public store::Unavailable {
 public:
  using store::Unavailable::Unavailable;
};

// Statement parameters, NULL allowed, in text format ($1 is the first added).
class Params {
 public:
  Params& null() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  Params& text(std::string value) {
    values_.emplace_back(std::move(value));
    return *this;
  }
  Params& integer(long long value) { return text(std::to_string(value)); }
  template <class T>
  Params& optional_integer(const std::optional<T>& value) {
    return value ? integer(static_cast<long long>(*value)) : null();
  }
  // The number the next added parameter gets ($N).
  int next() const { return static_cast<int>(values_.size()) + 1; }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// Validates a libpq connection URL/conninfo without connecting. Returns an error message
// (never containing the password) or nullopt.
std::optional<std::string> validate_url(std::string_view url);
// The URL with any password replaced by "***", safe for logs.
std::string redact_url(std::string_view url);

class Connection {
 public:
  // Throws Error (message without secrets) when the server is unreachable or refuses us.
  static std::unique_ptr<Connection> connect(const std::string& url,
                                             std::chrono::seconds connect_timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with text parameters; returns the rows as text (nullopt for NULL).
  using Row = std::vector<std::optional<std::string>>;
  std::vector<Row> exec(std::string_view sql, const std::vector<std::string>& params = {});
  std::vector<Row> exec(std::string_view sql, const Params& params);
  // Like exec(), as the prepared statement `name`, prepared on first use on this connection:
  // later calls skip the server's parse and plan. One name must always carry the same SQL.
  std::vector<Row> exec_prepared(const std::string& name, std::string_view sql,
                                 const Params& params);
  // Runs SQL text that may hold several statements and no parameters (migrations only).
  void exec_script(std::string_view sql);
  bool ok() const;
  // Whether the pool may hand this connection to the next user without a round trip: the
  // connection is up, no transaction was left open, and the server has sent nothing while we
  // were idle (an idle session receives nothing from a healthy server; data or EOF there means
  // a termination notice, e.g. after a server restart, so the connection is given up).
  bool reusable() const;

 private:
  explicit Connection(void* conn) : conn_(conn) {}
  void* conn_;  // PGconn*, kept opaque so libpq-fe.h stays out of this header
  std::unordered_set<std::string> prepared_;
};

// Readiness probe: connects and runs SELECT 1. Returns the error, or nullopt when healthy.
std::optional<std::string> ping(const std::string& url, std::chrono::seconds timeout);

}  // namespace crawler::store::postgres
