// A thin RAII handle over one libpq connection: the base of the PostgreSQL store (pool,
// migrations and queries build on it). Every query is parameterised; nothing is spliced into SQL.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crawler::store::postgres {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
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
  // Runs SQL text that may hold several statements and no parameters (migrations only).
  void exec_script(std::string_view sql);
  bool ok() const;

 private:
  explicit Connection(void* conn) : conn_(conn) {}
  void* conn_;  // PGconn*, kept opaque so libpq-fe.h stays out of this header
};

// Readiness probe: connects and runs SELECT 1. Returns the error, or nullopt when healthy.
std::optional<std::string> ping(const std::string& url, std::chrono::seconds timeout);

}  // namespace crawler::store::postgres
