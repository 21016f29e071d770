// A prepared SQLite statement, finalized on destruction, and a transaction helper: shared by the usage
// log, the event store and the report readers.
#pragma once

#include <sqlite3.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>

#include "error.hpp"

namespace solusi::service::sql {

/// True when SQLite's last failure on @p db (or @p rc) means the disk or the quota is full.
inline bool storage_full(sqlite3* db, int rc = SQLITE_OK) {
  if ((rc & 0xff) == SQLITE_FULL) return true;
  if (!db) return false;
  const int code = sqlite3_errcode(db) & 0xff;
  if (code == SQLITE_FULL) return true;
  // A failed write or fsync reports SQLITE_IOERR; the errno behind it tells a full disk.
  const int err = sqlite3_system_errno(db);
  return code == SQLITE_IOERR && (err == ENOSPC || err == EDQUOT);
}

/// The Error of a failed SQLite call: insufficient_storage when the disk is full, else io_error.
inline Error error(sqlite3* db, const std::string& what) {
  if (storage_full(db))
    return Error{ErrorCode::insufficient_storage,
                 what + ": the disk is full (" + sqlite3_errmsg(db) + "); nothing was recorded",
                 {},
                 0};
  return Error{ErrorCode::io_error, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"), {}, 0};
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* text) {
    if (sqlite3_prepare_v2(db, text, -1, &st_, nullptr) != SQLITE_OK) st_ = nullptr;
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return st_ != nullptr; }
  Stmt& bind(int i, std::string_view s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& bind(int i, double v) {
    sqlite3_bind_double(st_, i, v);
    return *this;
  }
  Stmt& bind_blob(int i, std::string_view bytes) {
    sqlite3_bind_blob(st_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
  }
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(st_); }
  /// Ready for another step() with new bindings.
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string();
  }
  /// The text of a column, valid until the next step() or reset().
  std::string_view view(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string_view();
  }
  /// The bytes of a blob column, valid until the next step() or reset().
  std::string_view blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(st_, col));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string_view();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(st_, col); }
  double real(int col) const { return sqlite3_column_double(st_, col); }
  bool is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* st_ = nullptr;
};

/// Runs @p text (one or more statements without results).
inline Result<void> exec(sqlite3* db, const char* text, const std::string& what) {
  char* msg = nullptr;
  if (const int rc = sqlite3_exec(db, text, nullptr, nullptr, &msg); rc != SQLITE_OK) {
    std::string m = msg ? msg : "unknown error";
    sqlite3_free(msg);
    if (storage_full(db, rc))
      return fail(ErrorCode::insufficient_storage,
                  what + ": the disk is full (" + m + "); nothing was recorded");
    return fail(ErrorCode::io_error, what + ": " + m);
  }
  return {};
}

/// Runs @p work in one IMMEDIATE transaction: committed when it succeeds, rolled back when not.
template <class Work>
Result<void> in_transaction(sqlite3* db, const std::string& what, Work work) {
  if (auto ok = exec(db, "BEGIN IMMEDIATE", what); !ok) return ok;
  if (auto ok = work(); !ok) {
    (void)exec(db, "ROLLBACK", "rollback");
    return ok;
  }
  if (auto ok = exec(db, "COMMIT", what); !ok) {
    (void)exec(db, "ROLLBACK", "rollback");
    return ok;
  }
  return {};
}

}  // namespace solusi::service::sql
