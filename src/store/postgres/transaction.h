// A transaction on one connection: BEGIN now, COMMIT on commit(), ROLLBACK if destroyed
// without commit() (an exception unwinding). A rollback that fails leaves the connection
// outside the idle state, and the pool then closes it rather than hand it on.
#pragma once

#include "store/postgres/connection.h"

namespace crawler::store::postgres {

class Transaction {
 public:
  explicit Transaction(Connection& conn) : conn_(conn) { conn_.exec("BEGIN"); }
  ~Transaction() {
    if (done_) return;
    try {
      conn_.exec("ROLLBACK");
    } catch (...) {  // already unwinding; the pool discards the connection
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit() {
    done_ = true;
    conn_.exec("COMMIT");
  }

 private:
  Connection& conn_;
  bool done_ = false;
};

}  // namespace crawler::store::postgres
