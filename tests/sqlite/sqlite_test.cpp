// sqlite::Database: opening, statements, transactions, schema steps, and errors that name
// what is wrong (a non-database file, a constraint).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sqlite/database.h"

namespace crawler::sqlite {
namespace {

std::filesystem::path temp_file(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("sqlite_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::filesystem::remove(path);
  return path;
}

TEST(SqliteDatabase, StatementsBindStepAndReadColumns) {
  Database db(":memory:");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, note TEXT)");
  db.prepare("INSERT INTO t (name, score, note) VALUES (?1, ?2, ?3)")
      .bind(1, "운동화")
      .bind(2, 1.5)
      .bind(3, std::optional<std::string>{})
      .run();
  EXPECT_EQ(db.last_insert_rowid(), 1);
  EXPECT_EQ(db.changes(), 1);
  auto& q = db.prepare("SELECT id, name, score, note FROM t WHERE id = ?1");
  q.bind(1, std::int64_t{1});
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), 1);
  EXPECT_EQ(q.text(1), "운동화");
  EXPECT_DOUBLE_EQ(q.real(2), 1.5);
  EXPECT_EQ(q.optional_text(3), std::nullopt);
  EXPECT_FALSE(q.step());
  // The cached statement comes back reset and unbound.
  auto& again = db.prepare("SELECT id, name, score, note FROM t WHERE id = ?1");
  EXPECT_EQ(&again, &q);
  EXPECT_FALSE(again.step());  // ?1 is NULL now
}

TEST(SqliteDatabase, ConstraintErrorsAreRecognisable) {
  Database db(":memory:");
  db.exec("CREATE TABLE t (k TEXT UNIQUE)");
  db.prepare("INSERT INTO t VALUES ('a')").run();
  try {
    db.prepare("INSERT INTO t VALUES ('a')").run();
    FAIL() << "expected a constraint error";
  } catch (const Error& e) {
    EXPECT_TRUE(e.is_constraint());
    EXPECT_EQ(e.code(), SQLITE_CONSTRAINT_UNIQUE);
    EXPECT_NE(std::string(e.what()).find("UNIQUE"), std::string::npos);
  }
}

TEST(SqliteDatabase, TransactionsRollBackUnlessCommitted) {
  Database db(":memory:");
  db.exec("CREATE TABLE t (v INTEGER)");
  {
    Transaction tx(db);
    db.prepare("INSERT INTO t VALUES (1)").run();
  }
  {
    Transaction tx(db);
    db.prepare("INSERT INTO t VALUES (2)").run();
    tx.commit();
  }
  auto& q = db.prepare("SELECT group_concat(v) FROM t");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.text(0), "2");
}

TEST(SqliteDatabase, SchemaStepsApplyOnceAndSurviveReopening) {
  auto path = temp_file("schema.db");
  {
    Database db(path.string());
    apply_schema(db, "one", {{1, "CREATE TABLE a (x INTEGER)"}});
    apply_schema(db, "one", {{1, "CREATE TABLE a (x INTEGER)"}, {2, "CREATE TABLE b (y INTEGER)"}});
  }
  Database db(path.string());
  apply_schema(db, "one", {{1, "CREATE TABLE a (x INTEGER)"}, {2, "CREATE TABLE b (y INTEGER)"}});
  // Another component's version 1 is its own, in the same file.
  apply_schema(db, "two", {{1, "CREATE TABLE c (z INTEGER)"}});
  auto& q = db.prepare(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b', 'c')");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), 3);
  auto& journal = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(journal.step());
  EXPECT_EQ(journal.text(0), "wal");
}

TEST(SqliteDatabase, ANonDatabaseFileIsRefusedNamingThePath) {
  auto path = temp_file("not-a-db.db");
  std::ofstream(path) << "this is not a database, just text that is long enough to matter";
  try {
    Database db(path.string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

TEST(SqliteDatabase, AMissingDirectoryIsRefusedNamingThePath) {
  EXPECT_THROW(
      {
        try {
          Database db("/nonexistent-dir-for-sure/x.db");
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("/nonexistent-dir-for-sure/x.db"),
                    std::string::npos);
          throw;
        }
      },
      Error);
}

}  // namespace
}  // namespace crawler::sqlite
