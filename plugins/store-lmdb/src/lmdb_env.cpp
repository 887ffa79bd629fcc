#include "lmdb_env.h"

#include "mq/sdk/stored_record.h"

#include <filesystem>
#include <system_error>

namespace mq::store_lmdb {

namespace record = sdk::record;

sdk::Status lmdb_status(int rc, std::string_view what) {
  if (rc == MDB_SUCCESS) return sdk::Status::ok();
  std::string message = std::string(what) + ": " + mdb_strerror(rc);
  if (rc == MDB_MAP_FULL) return sdk::Status(sdk::StatusCode::kDiskFull, std::move(message));
  if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_VERSION_MISMATCH ||
      rc == MDB_INVALID) {
    return sdk::Status(sdk::StatusCode::kCorruption, std::move(message));
  }
  if (rc == MDB_READERS_FULL || rc == MDB_TXN_FULL || rc == ENOMEM) {
    return sdk::Status(sdk::StatusCode::kResourceExhausted, std::move(message));
  }
  return sdk::Status(sdk::StatusCode::kIoError, std::move(message));
}

std::string log_key(std::int64_t physical_offset) {
  std::string key(8, '\0');
  record::put_u64(reinterpret_cast<std::uint8_t*>(key.data()),
                  static_cast<std::uint64_t>(physical_offset));
  return key;
}

std::string queue_prefix(std::string_view topic) {
  std::string key;
  key.reserve(1 + topic.size() + 12);
  key.push_back(static_cast<char>(topic.size()));
  key.append(topic);
  return key;
}

std::string queue_key_prefix(std::string_view topic, std::int32_t queue_id) {
  std::string key = queue_prefix(topic);
  const std::size_t at = key.size();
  key.resize(at + 4);
  record::put_u32(reinterpret_cast<std::uint8_t*>(key.data() + at),
                  static_cast<std::uint32_t>(queue_id));
  return key;
}

std::string queue_key(std::string_view topic, std::int32_t queue_id, std::int64_t queue_offset) {
  std::string key = queue_key_prefix(topic, queue_id);
  const std::size_t at = key.size();
  key.resize(at + 8);
  record::put_u64(reinterpret_cast<std::uint8_t*>(key.data() + at),
                  static_cast<std::uint64_t>(queue_offset));
  return key;
}

std::string index_prefix(std::string_view topic, std::string_view key) {
  std::string out = queue_prefix(topic);
  out.push_back(static_cast<char>((key.size() >> 8) & 0xFF));
  out.push_back(static_cast<char>(key.size() & 0xFF));
  out.append(key);
  return out;
}

sdk::Status Env::open(const std::string& directory, std::int64_t map_size, bool no_sync) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return sdk::Status(sdk::StatusCode::kIoError,
                       "cannot create " + directory + ": " + error.message());
  }
  int rc = mdb_env_create(&env_);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_env_create");
  mdb_env_set_maxdbs(env_, 8);
  mdb_env_set_maxreaders(env_, 1024);
  rc = mdb_env_set_mapsize(env_, static_cast<std::size_t>(map_size));
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_env_set_mapsize");
  unsigned flags = MDB_NOTLS | MDB_NORDAHEAD;
  if (no_sync) flags |= MDB_NOSYNC | MDB_NOMETASYNC;
  rc = mdb_env_open(env_, directory.c_str(), flags, 0644);
  if (rc != MDB_SUCCESS) {
    auto status = lmdb_status(rc, "cannot open the LMDB environment in " + directory);
    close();
    return status;
  }
  Txn txn;
  rc = txn.begin(env_, false);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_txn_begin");
  const std::pair<const char*, MDB_dbi*> dbs[] = {
      {"log", &log_db}, {"queue", &queue_db}, {"index", &index_db}, {"meta", &meta_db}};
  for (const auto& [name, dbi] : dbs) {
    rc = mdb_dbi_open(txn.get(), name, MDB_CREATE, dbi);
    if (rc != MDB_SUCCESS) return lmdb_status(rc, std::string("mdb_dbi_open ") + name);
  }
  return lmdb_status(txn.commit(), "creating the databases");
}

void Env::close() {
  if (env_ != nullptr) mdb_env_close(env_);
  env_ = nullptr;
}

sdk::Status Env::set_map_size(std::int64_t bytes) {
  return lmdb_status(mdb_env_set_mapsize(env_, static_cast<std::size_t>(bytes)),
                     "mdb_env_set_mapsize");
}

sdk::Status Env::sync() { return lmdb_status(mdb_env_sync(env_, 1), "mdb_env_sync"); }

}  // namespace mq::store_lmdb
