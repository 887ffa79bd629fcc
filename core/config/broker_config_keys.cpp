// Every broker.properties key, declared once. Order matters only for derived defaults: a key
// whose default follows another key (haListenPort after listenPort, storePathCommitLog after
// storePathRootDir, replicationPlugin after brokerRole, brokerIP2 after brokerIP1) is declared
// after it. Struct field defaults in broker_config.h and mq/sdk/config.h mirror the defaults
// here; a unit test keeps them equal.
#include "config/broker_config_keys.h"

#include "config/config_addresses.h"
#include "config/config_checks.h"
#include "config/config_key_builders.h"
#include "config/config_values.h"
#include "config/shared_config_keys.h"

#include <cstdint>
#include <limits>
#include <string>

namespace mq::core {
namespace {

using K = KeyBuilders<BrokerConfig>;
using sdk::BrokerRole;
using sdk::FlushDiskType;
constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

// A path key whose default is <storePathRootDir>/<leaf>.
template <typename Access>
void add_store_path(KeyTable<BrokerConfig>& t, std::string_view name, std::string_view leaf,
                    std::string_view doc, std::string_view description, Access access) {
  t.add(K::text({name, "", description}, "path", std::string(kPathAllowed), check_path, access))
      .derived(doc, [leaf](const BrokerConfig& c, const ConfigEnvironment&) {
        return DerivedDefault{
            join_path(c.store.store_path_root_dir, leaf), broker_keys::kStorePathRootDir, {}};
      });
}

void add_identity_keys(KeyTable<BrokerConfig>& t) {
  t.add(K::text(
      {"brokerClusterName", "DefaultCluster", "cluster this broker belongs to"}, "string",
      std::string(kBrokerNameAllowed), check_broker_name,
      [](auto& c) -> auto& { return c.identity.cluster_name; }));
  t
      .add(K::text(
          {"brokerName", "", "name shared by a master and its slaves (also registered as a topic)"},
          "string", std::string(kBrokerNameAllowed), check_broker_name,
          [](auto& c) -> auto& { return c.identity.broker_name; }))
      .derived("the host name", [](const BrokerConfig&, const ConfigEnvironment& env) {
        return DerivedDefault{env.host_name(), {}, {}};
      });
  t.add(K::integer(
      {broker_keys::kBrokerId, "0", "0 for the master, > 0 for a slave"}, 0, kNoLimit,
      [](auto& c) -> auto& { return c.identity.broker_id; }));
  t.add(K::custom(
            {broker_keys::kBrokerIP1, "",
             "address published to name servers and clients (a host name is resolved)"},
            "string", std::string(kIpv4Allowed),
            [](std::string_view text, BrokerConfig& c, const ConfigEnvironment& env) {
              return assign_ipv4(text, env, c.identity.broker_ip);
            },
            [](const BrokerConfig& c) { return c.identity.broker_ip; }))
      .derived("first non-loopback IPv4 address, else 127.0.0.1",
               [](const BrokerConfig&, const ConfigEnvironment& env) {
                 return DerivedDefault{env.first_ipv4(), {}, {}};
               });
  t.add(K::custom(
            {"brokerIP2", "", "address a slave dials for replication (HA)"}, "string",
            std::string(kIpv4Allowed),
            [](std::string_view text, BrokerConfig& c, const ConfigEnvironment& env) {
              return assign_ipv4(text, env, c.broker_ip2);
            },
            [](const BrokerConfig& c) { return c.broker_ip2; }))
      .derived("brokerIP1", [](const BrokerConfig& c, const ConfigEnvironment&) {
        return DerivedDefault{c.identity.broker_ip, broker_keys::kBrokerIP1, {}};
      });
  t.add(K::custom(
            {broker_keys::kNamesrvAddr, "",
             "name servers to register with, host:port separated by ';'"},
            "list", std::string(kNamesrvAddrAllowed),
            [](std::string_view text, BrokerConfig& c, const ConfigEnvironment& env) {
              return assign_namesrv_addr(text, env, c.namesrv_addrs);
            },
            [](const BrokerConfig& c) {
              std::string out;
              for (const auto& a : c.namesrv_addrs) out += (out.empty() ? "" : ";") + a;
              return out;
            }))
      .derived("$NAMESRV_ADDR, else empty", [](const BrokerConfig&, const ConfigEnvironment& env) {
        return DerivedDefault{
            env.get_env("NAMESRV_ADDR").value_or(""), {}, "<environment NAMESRV_ADDR>"};
      });
  t.add(K::integer(
      {broker_keys::kListenPort, "10911",
       "remoting port for clients; listenPort - 2 is the VIP port"},
      1, 65535, [](auto& c) -> auto& { return c.identity.listen_port; }));
}

void add_replication_keys(KeyTable<BrokerConfig>& t) {
  t.add(K::integer(
            {broker_keys::kHaListenPort, "", "port a master accepts slaves on"}, 1, 65535,
            [](auto& c) -> auto& { return c.replication.ha_listen_port; }))
      .derived("listenPort + 1", [](const BrokerConfig& c, const ConfigEnvironment&) {
        return DerivedDefault{
            std::to_string(c.identity.listen_port + 1), broker_keys::kListenPort, {}};
      });
  t.add(K::choice<BrokerRole>(
      {broker_keys::kBrokerRole, "ASYNC_MASTER",
       "ASYNC_MASTER acks at once, SYNC_MASTER after a slave has the "
       "message, SLAVE follows a master"},
      "a broker role",
      {{"ASYNC_MASTER", BrokerRole::kAsyncMaster},
       {"SYNC_MASTER", BrokerRole::kSyncMaster},
       {"SLAVE", BrokerRole::kSlave}},
      [](auto& c) -> auto& { return c.replication.broker_role; }));
  t.add(K::text(
            {broker_keys::kReplicationPlugin, "",
             "replication plugin; set it to override the choice brokerRole implies"},
            "string", std::string(kPluginNameAllowed), check_plugin_name,
            [](auto& c) -> auto& { return c.replication_plugin; }))
      .derived("replication-sync for SYNC_MASTER, else replication-async",
               [](const BrokerConfig& c, const ConfigEnvironment&) {
                 return DerivedDefault{default_replication_plugin(c.replication.broker_role),
                                       broker_keys::kBrokerRole,
                                       {}};
               });
  t.add(K::text(
      {"haMasterAddress", "",
       "master HA address a slave dials; empty = learned from the name server"},
      "string", std::string(kHostPortAllowed) + ", or empty", check_optional_host_port,
      [](auto& c) -> auto& { return c.replication.ha_master_address; }));
  t.add(K::integer(
      {"slaveTimeout", "3000", "SYNC_MASTER: ms to wait for the slave before FLUSH_SLAVE_TIMEOUT"},
      1, 600000, [](auto& c) -> auto& { return c.replication.slave_timeout_ms; }));
  t.add(K::integer(
            {"haSlaveFallbehindMax", "268435456",
             "bytes a slave may lag and still count as in sync (else "
             "SLAVE_NOT_AVAILABLE)"},
            0, 1LL << 40, [](auto& c) -> auto& { return c.replication.ha_max_gap_not_in_sync; }))
      .synonym("haMaxGapNotInSync");
  t.add(K::integer(
      {"haSendHeartbeatInterval", "5000", "slave heartbeat period, ms"}, 100, 600000,
      [](auto& c) -> auto& { return c.replication.ha_send_heartbeat_interval_ms; }));
  t.add(K::integer(
      {"haHousekeepingInterval", "20000",
       "a replication connection silent this long (ms) is closed"},
      1000, 3600000, [](auto& c) -> auto& { return c.replication.ha_housekeeping_interval_ms; }));
  t.add(K::integer(
      {"haTransferBatchSize", "32768", "bytes a master ships per transfer"}, 1024,
      16LL * 1024 * 1024, [](auto& c) -> auto& { return c.replication.ha_transfer_batch_size; }));
}

void add_store_keys(KeyTable<BrokerConfig>& t) {
  t.add(K::text(
            {broker_keys::kStorePathRootDir, "", "root directory of the store"}, "path",
            std::string(kPathAllowed), check_path,
            [](auto& c) -> auto& { return c.store.store_path_root_dir; }))
      .derived("$HOME/store", [](const BrokerConfig&, const ConfigEnvironment& env) {
        return DerivedDefault{join_path(env.home_dir(), "store"), {}, {}};
      });
  add_store_path(
      t, "storePathCommitLog", "commitlog", "<storePathRootDir>/commitlog", "commit log directory",
      [](auto& c) -> auto& { return c.store.store_path_commit_log; });
  add_store_path(
      t, "storePathConsumeQueue", "consumequeue", "<storePathRootDir>/consumequeue",
      "consume queue directory", [](auto& c) -> auto& { return c.store.store_path_consume_queue; });
  add_store_path(
      t, "storePathIndex", "index", "<storePathRootDir>/index", "message index directory",
      [](auto& c) -> auto& { return c.store.store_path_index; });
  add_store_path(
      t, "storeCheckpoint", "checkpoint", "<storePathRootDir>/checkpoint", "checkpoint file",
      [](auto& c) -> auto& { return c.store.store_checkpoint; });
  add_store_path(
      t, "abortFile", "abort", "<storePathRootDir>/abort",
      "file present while the broker runs; found at start = recover after a crash",
      [](auto& c) -> auto& { return c.store.abort_file; });
  t.add(K::integer(
            {broker_keys::kMappedFileSizeCommitLog, "1073741824",
             "size of one commit log file, bytes"},
            65536, kInt32Max, [](auto& c) -> auto& { return c.store.mapped_file_size_commit_log; }))
      .alias("mapedFileSizeCommitLog");
  t.add(K::custom(
            {"mappedFileSizeConsumeQueue", "6000000",
             "size of one consume queue file, bytes (rounded up to 20-byte entries)"},
            "int", "20.." + std::to_string(kInt32Max / 20 * 20),
            [](std::string_view text, BrokerConfig& c, const ConfigEnvironment&) {
              const std::string allowed = "20.." + std::to_string(kInt32Max / 20 * 20);
              const auto parsed = parse_int64(text);
              if (!parsed) return Assigned::refuse(text, "is not an integer", allowed);
              if (*parsed < 20 || *parsed > kInt32Max / 20 * 20) {
                return Assigned::refuse(text, "is out of range", allowed);
              }
              // RocketMQ rounds up to whole 20-byte consume queue entries.
              const std::int64_t rounded = (*parsed + 19) / 20 * 20;
              c.store.mapped_file_size_consume_queue = rounded;
              if (rounded == *parsed) return Assigned::ok();
              return Assigned::adjusted(quote_value(text) +
                                        " is not a multiple of the "
                                        "20-byte entry; using " +
                                        std::to_string(rounded) + ", as RocketMQ does");
            },
            [](const BrokerConfig& c) {
              return std::to_string(c.store.mapped_file_size_consume_queue);
            }))
      .alias("mapedFileSizeConsumeQueue");
  t.add(K::choice<FlushDiskType>(
      {"flushDiskType", "ASYNC_FLUSH",
       "SYNC_FLUSH acks after fsync (group commit), ASYNC_FLUSH flushes in the background"},
      "a flush type",
      {{"ASYNC_FLUSH", FlushDiskType::kAsyncFlush}, {"SYNC_FLUSH", FlushDiskType::kSyncFlush}},
      [](auto& c) -> auto& { return c.store.flush_disk_type; }));
  t.add(K::integer(
      {"flushIntervalCommitLog", "500", "ASYNC_FLUSH: commit log flush period, ms"}, 1, 3600000,
      [](auto& c) -> auto& { return c.store.flush_interval_commit_log_ms; }));
  t.add(K::integer(
      {"flushCommitLogLeastPages", "4", "ASYNC_FLUSH: flush once this many 4 KiB pages are dirty"},
      0, 1048576, [](auto& c) -> auto& { return c.store.flush_commit_log_least_pages; }));
  t.add(K::integer(
      {"flushCommitLogThoroughInterval", "10000",
       "ASYNC_FLUSH: flush everything at least this often, ms"},
      0, 86400000, [](auto& c) -> auto& { return c.store.flush_commit_log_thorough_interval_ms; }));
  t.add(K::integer(
      {"flushIntervalConsumeQueue", "1000", "consume queue flush period, ms"}, 1, 3600000,
      [](auto& c) -> auto& { return c.store.flush_interval_consume_queue_ms; }));
  t.add(K::integer(
      {"flushConsumeQueueLeastPages", "2", "flush a consume queue once this many pages are dirty"},
      0, 1048576, [](auto& c) -> auto& { return c.store.flush_consume_queue_least_pages; }));
  t.add(K::integer(
      {"flushConsumeQueueThoroughInterval", "60000",
       "flush every consume queue at least this often, ms"},
      0, 86400000,
      [](auto& c) -> auto& { return c.store.flush_consume_queue_thorough_interval_ms; }));
  t.add(K::integer(
      {"syncFlushTimeout", "5000",
       "SYNC_FLUSH: ms to wait for the fsync before FLUSH_DISK_TIMEOUT"},
      1, 600000, [](auto& c) -> auto& { return c.store.sync_flush_timeout_ms; }));
  t.add(K::text(
      {"deleteWhen", "04", "hours of the day when expired files are deleted"}, "string",
      std::string(kDeleteWhenAllowed), check_delete_when,
      [](auto& c) -> auto& { return c.store.delete_when; }));
  t.add(K::integer(
      {"fileReservedTime", "72", "hours a commit log file is kept"}, 1, kInt32Max,
      [](auto& c) -> auto& { return c.store.file_reserved_time_hours; }));
  t.add(K::clamped_integer(
      {"diskMaxUsedSpaceRatio", "75",
       "percent of the disk the store may fill before deleting early and "
       "refusing writes"},
      10, 95, [](auto& c) -> auto& { return c.store.disk_max_used_space_ratio; }));
  t.add(K::integer(
      {broker_keys::kMaxMessageSize, "4194304",
       "largest message body accepted, bytes (MESSAGE_ILLEGAL above)"},
      1, kMaxMessageSizeLimit, [](auto& c) -> auto& { return c.store.max_message_size; }));
  t.add(K::boolean(
      {"messageIndexEnable", "true", "index messages by key for queryMsgByKey"},
      [](auto& c) -> auto& { return c.store.message_index_enable; }));
  t.add(K::integer(
      {"maxHashSlotNum", "5000000", "hash slots per index file"}, 1, 100000000,
      [](auto& c) -> auto& { return c.store.max_hash_slot_num; }));
  t.add(K::integer(
      {"maxIndexNum", "20000000", "entries per index file"}, 1, 100000000,
      [](auto& c) -> auto& { return c.store.max_index_num; }));
}

void add_broker_behaviour_keys(KeyTable<BrokerConfig>& t) {
  t.add(K::boolean(
      {"autoCreateTopicEnable", "true", "create a topic on first send (and register TBW102)"},
      [](auto& c) -> auto& { return c.auto_create_topic_enable; }));
  t.add(K::boolean(
      {"autoCreateSubscriptionGroup", "true", "create a consumer group on first use"},
      [](auto& c) -> auto& { return c.auto_create_subscription_group; }));
  t.add(K::integer(
      {"defaultTopicQueueNums", "8", "queues of TBW102, the cap for auto-created topics"}, 1, 1024,
      [](auto& c) -> auto& { return c.default_topic_queue_nums; }));
  t.add(K::integer(
      {"brokerPermission", "6", "READ 4 + WRITE 2 (+ INHERIT 1)"}, 0, 7,
      [](auto& c) -> auto& { return c.broker_permission; }));
  t.add(K::boolean(
      {"longPollingEnable", "true",
       "hold pulls that find nothing until a message arrives (else re-check "
       "after 1 s)"},
      [](auto& c) -> auto& { return c.long_polling_enable; }));
  t.add(K::boolean(
      {"slaveReadEnable", "false", "let consumers read from a slave while the master is busy"},
      [](auto& c) -> auto& { return c.slave_read_enable; }));
  t.add(K::boolean(
      {"offsetCheckInSlave", "false",
       "let a slave correct a consumer's out-of-range offset (else it answers "
       "PULL_RETRY_IMMEDIATELY and leaves the offset alone)"},
      [](auto& c) -> auto& { return c.offset_check_in_slave; }));
  t.add(K::integer(
      {"accessMessageInMemoryMaxRatio", "40",
       "with slaveReadEnable: a consumer further behind the log end than this % of RAM is "
       "sent to whichBrokerWhenConsumeSlowly"},
      0, 100, [](auto& c) -> auto& { return c.access_message_in_memory_max_ratio; }));
  t.add(K::boolean(
      {"notifyConsumerIdsChangedEnable", "true",
       "tell consumers to rebalance when their group changes"},
      [](auto& c) -> auto& { return c.notify_consumer_ids_changed_enable; }));
  t.add(K::clamped_integer(
      {"registerNameServerPeriod", "30000", "ms between registrations with every name server"},
      10000, 60000, [](auto& c) -> auto& { return c.register_name_server_period_ms; }));
  // A constant (10 s) in RocketMQ; a key here so tests can shorten it.
  t.add(K::integer(
      {"slaveSyncInterval", "10000",
       "ms between a slave's copies of its master's topics, groups and offsets"},
      100, 3600000, [](auto& c) -> auto& { return c.slave_sync_interval_ms; }));
  t.add(K::boolean(
      {"forceRegister", "true",
       "register in full every time instead of asking whether anything changed"},
      [](auto& c) -> auto& { return c.force_register; }));
  t.add(K::boolean(
      {"traceTopicEnable", "false", "register RMQ_SYS_TRACE_TOPIC"},
      [](auto& c) -> auto& { return c.trace_topic_enable; }));
  t.add(K::integer(
      {"defaultQueryMaxNum", "32", "most messages a key query returns"}, 1, 65536,
      [](auto& c) -> auto& { return c.default_query_max_num; }));
  t.add(K::integer(
      {"maxTransferCountOnMessageInMemory", "32", "most messages in one pull reply"}, 1, 65536,
      [](auto& c) -> auto& { return c.max_transfer_count_on_message_in_memory; }));
  t.add(K::integer(
      {"maxTransferBytesOnMessageInMemory", "262144",
       "most bytes in one pull reply (at least one message is always returned)"},
      1, kMaxMessageSizeLimit,
      [](auto& c) -> auto& { return c.max_transfer_bytes_on_message_in_memory; }));
  t.add(K::text(
      {"messageDelayLevel", "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h",
       "delays of delay levels 1, 2, ... (retries and delayed messages)"},
      "string", std::string(kDelayLevelAllowed), check_delay_levels,
      [](auto& c) -> auto& { return c.message_delay_level; }));
  t.add(K::text(
      {"storePlugin", "store-mmap", "store plugin (store-mmap, store-lmdb)"}, "string",
      std::string(kPluginNameAllowed), check_plugin_name,
      [](auto& c) -> auto& { return c.store_plugin; }));
}

// RocketMQ keys operators have in their files that this broker accepts and ignores, each with
// the reason shown in an info note.
void add_ignored_broker_keys(KeyTable<BrokerConfig>& t) {
  constexpr std::string_view kThreadPools =
      "there are no per-request-type thread pools: requests run on the transport's I/O "
      "threads and complete when the store and replication policies do";
  for (std::string_view name :
       {"sendMessageThreadPoolNums", "pullMessageThreadPoolNums", "queryMessageThreadPoolNums",
        "adminBrokerThreadPoolNums", "clientManageThreadPoolNums", "consumerManageThreadPoolNums",
        "heartbeatThreadPoolNums", "endTransactionThreadPoolNums",
        "processReplyMessageThreadPoolNums", "sendThreadPoolQueueCapacity",
        "pullThreadPoolQueueCapacity", "queryThreadPoolQueueCapacity",
        "clientManagerThreadPoolQueueCapacity", "consumerManagerThreadPoolQueueCapacity",
        "heartbeatThreadPoolQueueCapacity", "endTransactionPoolQueueCapacity",
        "replyThreadPoolQueueCapacity"}) {
    t.add(K::ignored(name, kThreadPools));
  }
  constexpr std::string_view kQueues =
      "requests are not queued behind thread pools, so there is nothing to expire early";
  for (std::string_view name : {"waitTimeMillsInSendQueue", "waitTimeMillsInPullQueue",
                                "waitTimeMillsInHeartbeatQueue", "waitTimeMillsInTransactionQueue",
                                "brokerFastFailureEnable", "osPageCacheBusyTimeOutMills"}) {
    t.add(K::ignored(name, kQueues));
  }
  constexpr std::string_view kTransactions =
      "transactional check-back is not implemented; half messages are not checked";
  for (std::string_view name :
       {"checkTransactionMessageEnable", "transactionTimeOut", "transactionCheckMax",
        "transactionCheckInterval", "rejectTransactionMessage"}) {
    t.add(K::ignored(name, kTransactions));
  }
  constexpr std::string_view kDeletion =
      "file deletion pacing is internal to the store plugin; deleteWhen, fileReservedTime and "
      "diskMaxUsedSpaceRatio are honoured";
  for (std::string_view name : {"destroyMapedFileIntervalForcibly", "redeleteHangedFileInterval",
                                "cleanResourceInterval", "deleteCommitLogFilesInterval",
                                "deleteConsumeQueueFilesInterval", "cleanFileForciblyEnable"}) {
    t.add(K::ignored(name, kDeletion));
  }
  constexpr std::string_view kTransientPool =
      "there is no off-heap write buffer pool: appends go straight to the mapped file";
  for (std::string_view name : {"transientStorePoolEnable", "transientStorePoolSize",
                                "fastFailIfNoBufferInStorePool", "commitIntervalCommitLog",
                                "commitCommitLogLeastPages", "commitCommitLogThoroughInterval"}) {
    t.add(K::ignored(name, kTransientPool));
  }
  constexpr std::string_view kStoreInternals =
      "an internal of the Java store; the store plugin makes this choice itself";
  for (std::string_view name :
       {"useReentrantLockWhenPutMessage", "debugLockEnable", "warmMapedFileEnable",
        "flushLeastPagesWhenWarmMapedFile", "flushCommitLogTimed", "flushDelayOffsetInterval",
        "putMsgIndexHightWater", "maxMsgsNumBatch", "messageIndexSafe", "duplicationEnable",
        "diskFallRecorded", "maxTransferBytesOnMessageInDisk", "maxTransferCountOnMessageInDisk",
        "transferMsgByHeap"}) {
    t.add(K::ignored(name, kStoreInternals));
  }
  t.add(K::ignored("checkCRCOnRecover", "recovery always checks CRCs and truncates a torn tail"));
  constexpr std::string_view kFilters =
      "SQL92 and class filters are not supported; tag filtering is always on";
  for (std::string_view name :
       {"enablePropertyFilter", "enableCalcFilterBitMap", "expectConsumerNumUseFilter",
        "maxErrorRateOfBloomFilter", "filterDataCleanTimeSpan", "filterSupportRetry",
        "enableConsumeQueueExt", "mappedFileSizeConsumeQueueExt", "bitMapLengthConsumeQueueExt",
        "filterServerNums"}) {
    t.add(K::ignored(name, kFilters));
  }
  constexpr std::string_view kNettyClient =
      "Netty client tuning; outgoing connections use connectTimeoutMillis and the transport's "
      "own threads";
  for (std::string_view name :
       {"clientWorkerThreads", "clientCallbackExecutorThreads", "clientOnewaySemaphoreValue",
        "clientAsyncSemaphoreValue", "channelNotActiveInterval", "clientChannelMaxIdleTimeSeconds",
        "clientSocketSndBufSize", "clientSocketRcvBufSize", "clientPooledByteBufAllocatorEnable",
        "clientCloseSocketIfTimeout"}) {
    t.add(K::ignored(name, kNettyClient));
  }
  t.add(K::ignored("flushConsumerOffsetInterval", "consumer offsets are persisted every 5 s"));
  t.add(
      K::ignored("flushConsumerOffsetHistoryInterval", "consumer offsets are persisted every 5 s"));
  t.add(K::ignored("shortPollingTimeMills", "short polling re-checks after 1 s"));
  t.add(K::ignored("registerBrokerTimeoutMills", "registration times out after 6 s"));
  t.add(K::ignored("compressedRegister", "registrations are sent uncompressed"));
  t.add(K::ignored("clusterTopicEnable", "the cluster-name topic is always registered"));
  t.add(K::ignored("brokerTopicEnable", "the broker-name topic is always registered"));
  t.add(K::ignored("fetchNamesrvAddrByAddressServer",
                   "there is no address server client; set namesrvAddr"));
  t.add(K::ignored("disableConsumeIfConsumerReadSlowly", "slow consumers are not throttled"));
  t.add(K::ignored("consumerFallbehindThreshold", "slow consumers are not throttled"));
  t.add(K::ignored("highSpeedMode", "a no-op in RocketMQ as well"));
  t.add(K::ignored_unless_false("enableDLegerCommitLog",
                                "DLedger is not implemented; use brokerRole master/slave "
                                "replication"));
  for (std::string_view name :
       {"dLegerGroup", "dLegerPeers", "dLegerSelfId", "preferredLeaderId"}) {
    t.add(K::ignored(name, "DLedger is not implemented (enableDLegerCommitLog must be false)"));
  }
  t.add(K::ignored_unless_false("aclEnable",
                                "ACL is not implemented; without it every client would be "
                                "accepted"));
}

KeyTable<BrokerConfig> build_broker_key_table() {
  KeyTable<BrokerConfig> t;
  add_identity_keys(t);
  add_replication_keys(t);
  add_store_keys(t);
  add_broker_behaviour_keys(t);
  add_transport_keys(t);
  add_plugin_and_log_keys(t);
  add_ignored_server_keys(t);
  add_ignored_broker_keys(t);
  t.seal();  // the key table test asserts that no name is declared twice
  return t;
}

}  // namespace

const KeyTable<BrokerConfig>& broker_key_table() {
  static const KeyTable<BrokerConfig> table = build_broker_key_table();
  return table;
}

}  // namespace mq::core
