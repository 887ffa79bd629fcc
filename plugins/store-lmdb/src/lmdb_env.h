// Thin RAII over the LMDB C API: an environment with its named databases, transactions, and
// the key encodings of every database the store keeps.
//
// Only the store-lmdb sources include this header (and so <lmdb.h>).
// Threads: an Env may be used from any thread; a Txn belongs to the thread that began it
// (the environment is opened with MDB_NOTLS, so read transactions are not tied to a thread's
// reader slot, but a transaction object is never shared).
#pragma once

#include "mq/sdk/bytes.h"
#include "mq/sdk/status.h"

#include <lmdb.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace mq::store_lmdb {

// A Status for an LMDB return code, naming what was being done.
sdk::Status lmdb_status(int rc, std::string_view what);

inline MDB_val to_val(const void* data, std::size_t size) {
  return MDB_val{size, const_cast<void*>(data)};
}
inline MDB_val to_val(std::string_view text) { return to_val(text.data(), text.size()); }
inline sdk::ByteView bytes_of(const MDB_val& value) {
  return sdk::ByteView(static_cast<const std::uint8_t*>(value.mv_data), value.mv_size);
}

// A transaction, aborted on destruction unless committed.
class Txn {
 public:
  Txn() = default;
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  ~Txn() { abort(); }

  int begin(MDB_env* env, bool read_only) {
    abort();
    return mdb_txn_begin(env, nullptr, read_only ? MDB_RDONLY : 0u, &txn_);
  }
  int commit() {
    MDB_txn* txn = txn_;
    txn_ = nullptr;
    return txn ? mdb_txn_commit(txn) : EINVAL;
  }
  void abort() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
    txn_ = nullptr;
  }
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
};

// A cursor, closed on destruction. Declare it after its transaction, so it closes first.
class Cursor {
 public:
  Cursor() = default;
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor() { close(); }
  // A write transaction frees its cursors when it ends: close them before commit().
  void close() {
    if (cursor_ != nullptr) mdb_cursor_close(cursor_);
    cursor_ = nullptr;
  }
  int open(MDB_txn* txn, MDB_dbi dbi) { return mdb_cursor_open(txn, dbi, &cursor_); }
  int get(MDB_val* key, MDB_val* value, MDB_cursor_op op) {
    return mdb_cursor_get(cursor_, key, value, op);
  }
  int del() { return mdb_cursor_del(cursor_, 0); }

 private:
  MDB_cursor* cursor_ = nullptr;
};

// ---- key encodings (all integers big-endian so LMDB's byte order is numeric order) ----------
// log:   int64 physical offset
// queue: uint8 topic length, topic, int32 queue id, int64 queue offset
// index: uint8 topic length, topic, uint16 key length, key, int64 physical offset
std::string log_key(std::int64_t physical_offset);
std::string queue_prefix(std::string_view topic);
std::string queue_key_prefix(std::string_view topic, std::int32_t queue_id);
std::string queue_key(std::string_view topic, std::int32_t queue_id, std::int64_t queue_offset);
std::string index_prefix(std::string_view topic, std::string_view key);
// Longest index key LMDB accepts with its default 511-byte key limit.
inline constexpr std::size_t kMaxLmdbKey = 511;

// The environment and its databases.
class Env {
 public:
  Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  ~Env() { close(); }

  // Opens (creating) the environment in `directory`. `no_sync`: commits do not sync
  // (MDB_NOSYNC | MDB_NOMETASYNC); the owner syncs with sync().
  sdk::Status open(const std::string& directory, std::int64_t map_size, bool no_sync);
  void close();
  // REQUIRES: no transaction of this process is active.
  sdk::Status set_map_size(std::int64_t bytes);
  sdk::Status sync();

  MDB_env* env() const { return env_; }
  MDB_dbi log_db = 0;    // physical offset -> record (fillers: their 8-byte header only)
  MDB_dbi queue_db = 0;  // queue key -> 20-byte consume-queue entry
  MDB_dbi index_db = 0;  // index key -> int64 store timestamp
  MDB_dbi meta_db = 0;   // "end" -> int64 end of the log

 private:
  MDB_env* env_ = nullptr;
};

}  // namespace mq::store_lmdb
