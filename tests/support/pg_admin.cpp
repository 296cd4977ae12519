// Thin RAII over libpq's PGconn/PGresult; every error message names the URL and the SQL.
#include "support/pg_admin.h"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

#include "support/unique_name.h"
#include "support/url_encode.h"

namespace crawler::testing {
namespace {

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;
using Result = std::unique_ptr<PGresult, ResultClearer>;

std::string trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

Connection connect(const std::string& url) {
  Connection connection(PQconnectdb(url.c_str()));
  if (!connection) throw std::runtime_error("libpq: out of memory connecting to " + url);
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + url + ": " +
                             trimmed(PQerrorMessage(connection.get())));
  }
  return connection;
}

Result execute(PGconn* connection, const std::string& url, const std::string& sql) {
  Result result(PQexec(connection, sql.c_str()));
  auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("SQL failed on " + url + ": " + sql + ": " +
                             trimmed(PQerrorMessage(connection)));
  }
  return result;
}

}  // namespace

std::string database_url(const std::string& url, const std::string& database) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(url.c_str(), &error), &PQconninfoFree);
  if (!options) {
    std::string message = trimmed(error);
    PQfreemem(error);
    throw std::runtime_error("cannot parse PostgreSQL URL " + url + ": " + message);
  }
  std::string host = "127.0.0.1", port, user, password;
  for (auto* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    std::string key = option->keyword;
    if (key == "host" || key == "hostaddr") host = option->val;
    if (key == "port") port = option->val;
    if (key == "user") user = option->val;
    if (key == "password") password = option->val;
  }
  std::string result = "postgresql://";
  if (!user.empty()) {
    result += percent_encode(user);
    if (!password.empty()) result += ":" + percent_encode(password);
    result += "@";
  }
  if (host.starts_with('/')) {  // a unix socket directory goes in the query string
    result += "/" + percent_encode(database) + "?host=" + percent_encode(host);
    return port.empty() ? result : result + "&port=" + port;
  }
  result += host;
  if (!port.empty()) result += ":" + port;
  return result + "/" + percent_encode(database);
}

std::string create_database(const std::string& admin_url) {
  const std::string name = unique_name("t");
  Connection connection = connect(admin_url);
  execute(connection.get(), admin_url, "CREATE DATABASE " + name + " TEMPLATE template0");
  return database_url(admin_url, name);
}

void execute_sql(const std::string& url, const std::string& sql) {
  Connection connection = connect(url);
  execute(connection.get(), url, sql);
}

std::optional<std::string> query_value(const std::string& url, const std::string& sql) {
  Connection connection = connect(url);
  Result result = execute(connection.get(), url, sql);
  if (PQntuples(result.get()) == 0 || PQnfields(result.get()) == 0 ||
      PQgetisnull(result.get(), 0, 0)) {
    return std::nullopt;
  }
  return std::string(PQgetvalue(result.get(), 0, 0));
}

bool postgres_accepts_connections(const std::string& conninfo) {
  return PQping(conninfo.c_str()) == PQPING_OK;
}

}  // namespace crawler::testing
