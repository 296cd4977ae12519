#include "store/postgres/connection.h"

#include <libpq-fe.h>
#include <poll.h>

namespace crawler::store::postgres {
namespace {

PGconn* pg(void* p) { return static_cast<PGconn*>(p); }

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Throws the right exception for a failed result: ConnectionLost when the connection is gone,
// Error with the SQLSTATE otherwise. Clears `res`.
[[noreturn]] void throw_failure(PGconn* conn, PGresult* res) {
  std::string msg = res ? trim(PQresultErrorMessage(res)) : std::string();
  if (msg.empty()) msg = trim(PQerrorMessage(conn));
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  PQclear(res);
  // Class 08 is "connection exception"; 57P01-57P03 are the server shutting down or
  // restarting (admin_shutdown, crash_shutdown, cannot_connect_now).
  if (PQstatus(conn) == CONNECTION_BAD || sqlstate.starts_with("08") ||
      sqlstate.starts_with("57P0"))
    throw ConnectionLost("PostgreSQL connection lost: " + msg);
  throw Error(msg, sqlstate);
}

std::vector<Connection::Row> rows_of(PGresult* res) {
  std::vector<Connection::Row> rows;
  int n = PQntuples(res), m = PQnfields(res);
  rows.reserve(n);
  for (int i = 0; i < n; ++i) {
    Connection::Row row;
    row.reserve(m);
    for (int j = 0; j < m; ++j) {
      if (PQgetisnull(res, i, j))
        row.emplace_back(std::nullopt);
      else
        row.emplace_back(std::string(PQgetvalue(res, i, j), PQgetlength(res, i, j)));
    }
    rows.push_back(std::move(row));
  }
  PQclear(res);
  return rows;
}

std::vector<Connection::Row> checked_rows(PGconn* conn, PGresult* res) {
  auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw_failure(conn, res);
  return rows_of(res);
}

std::vector<Connection::Row> exec_raw(PGconn* conn, std::string_view sql,
                                      const std::vector<const char*>& values) {
  return checked_rows(
      conn, PQexecParams(conn, std::string(sql).c_str(), static_cast<int>(values.size()), nullptr,
                         values.data(), nullptr, nullptr, 0));
}

std::vector<const char*> values_of(const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& p : params.values()) values.push_back(p ? p->c_str() : nullptr);
  return values;
}

}  // namespace

std::optional<std::string> validate_url(std::string_view url) {
  if (url.empty()) return "is empty";
  bool is_url = url.starts_with("postgresql://") || url.starts_with("postgres://");
  if (!is_url && url.find("://") != std::string_view::npos)
    return "scheme must be postgresql:// or postgres://";
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(std::string(url).c_str(), &err);
  if (!opts) {
    std::string msg = err ? trim(err) : "cannot be parsed";
    PQfreemem(err);
    return msg;
  }
  PQconninfoFree(opts);
  return std::nullopt;
}

std::string redact_url(std::string_view url) {
  auto scheme = url.find("://");
  auto at = url.rfind('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme)
    return std::string(url);
  auto userinfo = url.substr(scheme + 3, at - scheme - 3);
  auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, scheme + 3)) + std::string(userinfo.substr(0, colon)) + ":***" +
         std::string(url.substr(at));
}

std::unique_ptr<Connection> Connection::connect(const std::string& url,
                                                std::chrono::seconds connect_timeout) {
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  std::string timeout = std::to_string(std::max<long long>(1, connect_timeout.count()));
  const char* values[] = {url.c_str(), timeout.c_str(), "crawler", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn) throw Error("out of memory connecting to PostgreSQL");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = trim(PQerrorMessage(conn));
    PQfinish(conn);
    throw Error("cannot connect to PostgreSQL: " + msg);
  }
  // libpq prints server NOTICEs ("relation ... already exists, skipping") to stderr by
  // default, which would break the one-JSON-object-per-line log stream; they carry nothing
  // an operator needs, so they are dropped.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(pg(conn_)); }

bool Connection::ok() const { return PQstatus(pg(conn_)) == CONNECTION_OK; }

std::vector<Connection::Row> Connection::exec(std::string_view sql,
                                              const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  return exec_raw(pg(conn_), sql, values);
}

std::vector<Connection::Row> Connection::exec(std::string_view sql, const Params& params) {
  return exec_raw(pg(conn_), sql, values_of(params));
}

std::vector<Connection::Row> Connection::exec_prepared(const std::string& name,
                                                       std::string_view sql, const Params& params) {
  PGconn* conn = pg(conn_);
  const auto values = values_of(params);
  if (!prepared_.contains(name)) {
    // Prepared statements live in the session, outside transactions: a later ROLLBACK does
    // not undo this, so remembering the name per connection is enough.
    checked_rows(conn, PQprepare(conn, name.c_str(), std::string(sql).c_str(),
                                 static_cast<int>(values.size()), nullptr));
    prepared_.insert(name);
  }
  return checked_rows(conn, PQexecPrepared(conn, name.c_str(), static_cast<int>(values.size()),
                                           values.data(), nullptr, nullptr, 0));
}

bool Connection::reusable() const {
  PGconn* conn = pg(conn_);
  if (PQstatus(conn) != CONNECTION_OK || PQtransactionStatus(conn) != PQTRANS_IDLE) return false;
  pollfd fd{PQsocket(conn), POLLIN, 0};
  if (fd.fd < 0) return false;
  int ready = ::poll(&fd, 1, 0);
  return ready == 0;  // readable (data, EOF, error) while idle: not reusable
}

void Connection::exec_script(std::string_view sql) {
  PGresult* res = PQexec(pg(conn_), std::string(sql).c_str());
  auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw_failure(pg(conn_), res);
  PQclear(res);
}

std::optional<std::string> ping(const std::string& url, std::chrono::seconds timeout) {
  try {
    auto conn = Connection::connect(url, timeout);
    conn->exec("SELECT 1");
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

}  // namespace crawler::store::postgres
