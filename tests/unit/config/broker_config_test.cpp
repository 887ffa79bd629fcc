// parse_broker_config: defaults, derived values, warnings, overrides and the -p printer.
#include "config/broker_config.h"

#include "config_test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <random>
#include <string>

namespace mq::core {
namespace {

using testing::broker_error;
using testing::command_line;
using testing::contains;
using testing::fake_environment;
using testing::parse_broker_text;

TEST(BrokerConfig, DefaultsWithoutAFile) {
  ConfigDiagnostics diagnostics;
  auto parsed = parse_broker_config(nullptr, {}, fake_environment(), diagnostics);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  const BrokerConfig& c = *parsed;
  EXPECT_EQ(c.source_file, "");
  EXPECT_EQ(c.identity.cluster_name, "DefaultCluster");
  EXPECT_EQ(c.identity.broker_name, "testhost");
  EXPECT_EQ(c.identity.broker_id, 0);
  EXPECT_EQ(c.identity.broker_ip, "192.0.2.10");
  EXPECT_EQ(c.broker_ip2, "192.0.2.10");
  EXPECT_EQ(c.identity.listen_port, 10911);
  EXPECT_EQ(c.replication.ha_listen_port, 10912);
  EXPECT_EQ(c.replication.broker_role, sdk::BrokerRole::kAsyncMaster);
  EXPECT_EQ(c.replication.slave_timeout_ms, 3000);
  EXPECT_EQ(c.store.flush_disk_type, sdk::FlushDiskType::kAsyncFlush);
  EXPECT_EQ(c.store.store_path_root_dir, "/home/tester/store");
  EXPECT_EQ(c.store.store_path_commit_log, "/home/tester/store/commitlog");
  EXPECT_EQ(c.store.store_path_consume_queue, "/home/tester/store/consumequeue");
  EXPECT_EQ(c.store.store_path_index, "/home/tester/store/index");
  EXPECT_EQ(c.store.store_checkpoint, "/home/tester/store/checkpoint");
  EXPECT_EQ(c.store.abort_file, "/home/tester/store/abort");
  EXPECT_EQ(c.store.mapped_file_size_commit_log, 1073741824);
  EXPECT_EQ(c.store.mapped_file_size_consume_queue, 6000000);
  EXPECT_EQ(c.store.max_message_size, 4194304);
  EXPECT_EQ(c.store.delete_when, "04");
  EXPECT_EQ(c.store.file_reserved_time_hours, 72);
  EXPECT_EQ(c.store.disk_max_used_space_ratio, 75);
  EXPECT_EQ(c.transport.idle_timeout_ms, 120000);
  EXPECT_EQ(c.transport.max_frame_bytes, 16777216);
  EXPECT_EQ(c.store_plugin, "store-mmap");
  EXPECT_EQ(c.transport_plugins, std::vector<std::string>{"transport-tcp"});
  EXPECT_EQ(c.replication_plugin, "replication-async");
  EXPECT_FALSE(c.replication_plugin_explicit);
  EXPECT_EQ(c.plugin_dir, "");
  EXPECT_EQ(c.log_dir, "/home/tester/logs/rocketmqlogs");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_TRUE(c.namesrv_addrs.empty());
  EXPECT_EQ(diagnostics.warnings,
            std::vector<std::string>{"<default>: namesrvAddr is empty: the broker registers "
                                     "with no name server, so clients cannot find it"});
}

TEST(BrokerConfig, SystemEnvironmentDefaultsComeFromTheMachine) {
  std::vector<std::string> warnings;
  const PropertiesFile file = PropertiesFile::parse("namesrvAddr=localhost:9876\n", "b.properties");
  auto parsed = parse_broker_config(&file, {}, warnings);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  EXPECT_EQ(parsed->identity.broker_name, host);
  EXPECT_EQ(parsed->namesrv_addrs, std::vector<std::string>{"127.0.0.1:9876"});
  EXPECT_FALSE(parsed->identity.broker_ip.empty());
  EXPECT_EQ(parsed->source_file, "b.properties");
  EXPECT_TRUE(warnings.empty()) << warnings.front();
}

TEST(BrokerConfig, DerivedStorePathsFollowTheEffectiveRoot) {
  auto parsed = parse_broker_text("storePathRootDir=/data/mq\nstorePathIndex=/fast/index\n");
  ASSERT_TRUE(parsed.result.ok()) << parsed.result.status().to_string();
  const auto& store = parsed.result->store;
  EXPECT_EQ(store.store_path_commit_log, "/data/mq/commitlog");
  EXPECT_EQ(store.store_path_consume_queue, "/data/mq/consumequeue");
  EXPECT_EQ(store.store_path_index, "/fast/index");
  EXPECT_EQ(store.store_checkpoint, "/data/mq/checkpoint");
  EXPECT_EQ(store.abort_file, "/data/mq/abort");

  // The root may come from the command line, after the file's other keys.
  auto overridden = parse_broker_text("storePathCommitLog=/ssd/commitlog\n",
                                      {command_line("storePathRootDir", "/other/")});
  ASSERT_TRUE(overridden.result.ok());
  EXPECT_EQ(overridden.result->store.store_path_commit_log, "/ssd/commitlog");
  EXPECT_EQ(overridden.result->store.store_path_consume_queue, "/other/consumequeue");
}

TEST(BrokerConfig, RelativeRootStaysRelative) {
  auto parsed = parse_broker_text("storePathRootDir=./data/store\nlogDir=./data/logs\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.result->store.store_path_root_dir, "./data/store");
  EXPECT_EQ(parsed.result->store.store_path_commit_log, "./data/store/commitlog");
  EXPECT_EQ(parsed.result->log_dir, "./data/logs");
}

TEST(BrokerConfig, ReplicationPluginFollowsTheRoleUnlessSet) {
  EXPECT_EQ(default_replication_plugin(sdk::BrokerRole::kSyncMaster), "replication-sync");
  EXPECT_EQ(default_replication_plugin(sdk::BrokerRole::kAsyncMaster), "replication-async");
  EXPECT_EQ(default_replication_plugin(sdk::BrokerRole::kSlave), "replication-async");

  auto sync = parse_broker_text("brokerRole=SYNC_MASTER\n");
  ASSERT_TRUE(sync.result.ok());
  EXPECT_EQ(sync.result->replication_plugin, "replication-sync");
  EXPECT_FALSE(sync.result->replication_plugin_explicit);

  auto slave = parse_broker_text("brokerRole=SLAVE\nbrokerId=1\n");
  ASSERT_TRUE(slave.result.ok());
  EXPECT_EQ(slave.result->replication_plugin, "replication-async");

  auto role_from_command_line = parse_broker_text("", {command_line("brokerRole", "SYNC_MASTER")});
  ASSERT_TRUE(role_from_command_line.result.ok());
  EXPECT_EQ(role_from_command_line.result->replication_plugin, "replication-sync");

  auto explicit_choice =
      parse_broker_text("brokerRole=ASYNC_MASTER\nreplicationPlugin=my-replication\n");
  ASSERT_TRUE(explicit_choice.result.ok());
  EXPECT_EQ(explicit_choice.result->replication_plugin, "my-replication");
  EXPECT_TRUE(explicit_choice.result->replication_plugin_explicit);

  EXPECT_EQ(broker_error("replicationPlugin=Replication.Sync\n"),
            "broker.properties:1: replicationPlugin: 'Replication.Sync' is not a plugin name; "
            "allowed: a plugin name of [a-z0-9_-]+");
}

TEST(BrokerConfig, NamesrvAddrIsSplitAndResolved) {
  auto two = parse_broker_text("namesrvAddr=127.0.0.1:9876;127.0.0.1:9877\n");
  ASSERT_TRUE(two.result.ok());
  EXPECT_EQ(two.result->namesrv_addrs,
            (std::vector<std::string>{"127.0.0.1:9876", "127.0.0.1:9877"}));

  auto names = parse_broker_text(
      "namesrvAddr= localhost:9876 ; rocketmq-nameserver1:9876;rocketmq-nameserver2:9876;\n");
  ASSERT_TRUE(names.result.ok()) << names.result.status().to_string();
  EXPECT_EQ(names.result->namesrv_addrs,
            (std::vector<std::string>{"127.0.0.1:9876", "192.0.2.146:9876", "192.0.2.145:9876"}));

  auto repeated = parse_broker_text("namesrvAddr=localhost:9876;127.0.0.1:9876\n");
  ASSERT_TRUE(repeated.result.ok());
  EXPECT_EQ(repeated.result->namesrv_addrs, std::vector<std::string>{"127.0.0.1:9876"});
  EXPECT_TRUE(contains(repeated.diagnostics.warnings,
                       "broker.properties:1: namesrvAddr: lists 127.0.0.1:9876 more than once; "
                       "using it once"));

  auto empty = parse_broker_text("namesrvAddr=\n");
  ASSERT_TRUE(empty.result.ok());
  EXPECT_TRUE(empty.result->namesrv_addrs.empty());
  EXPECT_TRUE(contains(empty.diagnostics.warnings,
                       "broker.properties:1: namesrvAddr is empty: the broker registers with no "
                       "name server, so clients cannot find it"));
}

TEST(BrokerConfig, NamesrvAddrRefusesBadPortsAndUnknownHosts) {
  const std::string allowed =
      "; allowed: host:port items separated by ';' (port 1..65535, host an IPv4 address or a "
      "resolvable name, or unix:/path of a local name server), or empty";
  EXPECT_EQ(broker_error("# name servers\nnamesrvAddr=127.0.0.1:9876;localhost:98765\n"),
            "broker.properties:2: namesrvAddr: 'localhost:98765' has port 98765, which is out "
            "of range" +
                allowed);
  EXPECT_EQ(broker_error("namesrvAddr=localhost\n"),
            "broker.properties:1: namesrvAddr: 'localhost' has no ':port'" + allowed);
  EXPECT_EQ(broker_error("namesrvAddr=nameserver.invalid:9876\n"),
            "broker.properties:1: namesrvAddr: 'nameserver.invalid:9876' has host "
            "'nameserver.invalid', which does not resolve to an IPv4 address (Name or service "
            "not known)" +
                allowed);
  EXPECT_EQ(broker_error("", {command_line("namesrvAddr", "a b:1")}),
            "<command line>: namesrvAddr: 'a b:1' has 'a b', which is not a host name or IPv4 "
            "address" +
                allowed);
}

TEST(BrokerConfig, NamesrvAddrWithTheRealResolver) {
  const PropertiesFile file =
      PropertiesFile::parse("namesrvAddr=localhost:9876;127.0.0.1:9877\n", "b.properties");
  ConfigDiagnostics diagnostics;
  auto parsed = parse_broker_config(&file, {}, ConfigEnvironment::system(), diagnostics);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->namesrv_addrs, (std::vector<std::string>{"127.0.0.1:9876", "127.0.0.1:9877"}));
  // A malformed host is refused before any lookup.
  const PropertiesFile bad = PropertiesFile::parse("namesrvAddr=no_such host:1\n", "b.properties");
  auto refused = parse_broker_config(&bad, {}, ConfigEnvironment::system(), diagnostics);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().rfind("b.properties:1: namesrvAddr: 'no_such host:1' has "
                                             "'no_such host', which is not a host name",
                                             0),
            0u);
}

TEST(BrokerConfig, NamesrvAddrDefaultsToTheEnvironmentVariable) {
  ConfigEnvironment env = fake_environment();
  env.get_env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "NAMESRV_ADDR") return std::string("localhost:9876");
    return std::nullopt;
  };
  ConfigDiagnostics diagnostics;
  auto parsed = parse_broker_config(nullptr, {}, env, diagnostics);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->namesrv_addrs, std::vector<std::string>{"127.0.0.1:9876"});

  env.get_env = [](const std::string&) -> std::optional<std::string> { return "nowhere:9876"; };
  auto refused = parse_broker_config(nullptr, {}, env, diagnostics);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            "<environment NAMESRV_ADDR>: namesrvAddr: 'nowhere:9876' (default: $NAMESRV_ADDR, "
            "else empty) has host 'nowhere', which does not resolve to an IPv4 address (Name or "
            "service not known); allowed: host:port items separated by ';' (port 1..65535, host "
            "an IPv4 address or a resolvable name, or unix:/path of a local name server), or "
            "empty");
}

TEST(BrokerConfig, BrokerIpAcceptsAddressesAndResolvableNames) {
  auto parsed = parse_broker_text("brokerIP1=localhost\nbrokerIP2=10.0.0.2\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.result->identity.broker_ip, "127.0.0.1");
  EXPECT_EQ(parsed.result->broker_ip2, "10.0.0.2");
  auto ip2_follows = parse_broker_text("brokerIP1=10.0.0.1\n");
  EXPECT_EQ(ip2_follows.result->broker_ip2, "10.0.0.1");
  EXPECT_EQ(broker_error("brokerIP1=nohost\n"),
            "broker.properties:1: brokerIP1: 'nohost' does not resolve to an IPv4 address (Name "
            "or service not known); allowed: an IPv4 address, or a host name that resolves to one");
}

TEST(BrokerConfig, UnknownKeyGetsTheClosestKnownKey) {
  auto parsed = parse_broker_text("brokerNmae=broker-a\nfooBarBaz=1\nmapedFileSizeCommitlog=1\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.result->identity.broker_name, "testhost");  // the typo set nothing
  const auto& w = parsed.diagnostics.warnings;
  EXPECT_TRUE(contains(w,
                       "broker.properties:1: unknown key 'brokerNmae' ignored; did you mean "
                       "'brokerName'?"));
  EXPECT_TRUE(contains(w, "broker.properties:2: unknown key 'fooBarBaz' ignored"));
  // A near miss of a legacy spelling suggests the canonical name.
  EXPECT_TRUE(contains(w,
                       "broker.properties:3: unknown key 'mapedFileSizeCommitlog' ignored; "
                       "did you mean 'mappedFileSizeCommitLog'?"));
}

TEST(BrokerConfig, LegacySpellingIsAcceptedWithAWarning) {
  auto parsed =
      parse_broker_text("mapedFileSizeCommitLog=536870912\nmapedFileSizeConsumeQueue=300000\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.result->store.mapped_file_size_commit_log, 536870912);
  EXPECT_EQ(parsed.result->store.mapped_file_size_consume_queue, 300000);
  EXPECT_TRUE(contains(parsed.diagnostics.warnings,
                       "broker.properties:1: 'mapedFileSizeCommitLog' is a legacy spelling of "
                       "'mappedFileSizeCommitLog'; accepted, but please write "
                       "'mappedFileSizeCommitLog'"));
  EXPECT_TRUE(contains(parsed.diagnostics.warnings,
                       "broker.properties:2: 'mapedFileSizeConsumeQueue' is a legacy spelling "
                       "of 'mappedFileSizeConsumeQueue'; accepted, but please write "
                       "'mappedFileSizeConsumeQueue'"));
  // Errors name the key as written.
  EXPECT_EQ(broker_error("mapedFileSizeCommitLog=1g\n"),
            "broker.properties:1: mapedFileSizeCommitLog: '1g' is not an integer; allowed: "
            "65536..2147483647");
}

TEST(BrokerConfig, BothSpellingsOfOneKeyWarnAndTheLaterLineWins) {
  auto parsed =
      parse_broker_text("mappedFileSizeCommitLog=268435456\nmapedFileSizeCommitLog=536870912\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.result->store.mapped_file_size_commit_log, 536870912);
  EXPECT_TRUE(contains(parsed.diagnostics.warnings,
                       "broker.properties:2: 'mapedFileSizeCommitLog' sets "
                       "'mappedFileSizeCommitLog' again (also set as 'mappedFileSizeCommitLog' "
                       "at broker.properties:1); this line wins"));
}

TEST(BrokerConfig, OtherVersionsNameIsAcceptedSilently) {
  auto parsed = parse_broker_text("haMaxGapNotInSync=1048576\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.result->replication.ha_max_gap_not_in_sync, 1048576);
  EXPECT_EQ(parsed.diagnostics.warnings.size(), 1u);  // only the empty namesrvAddr
}

TEST(BrokerConfig, DuplicatedKeyLastWinsWithAWarningNamingBothLines) {
  auto parsed = parse_broker_text("brokerName=a\nlistenPort=10000\nbrokerName=b\nbrokerName=b\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.result->identity.broker_name, "b");
  const auto& w = parsed.diagnostics.warnings;
  EXPECT_TRUE(contains(w,
                       "broker.properties:3: duplicate key 'brokerName' overrides line 1 (was "
                       "'a', now 'b')"));
  EXPECT_TRUE(contains(w,
                       "broker.properties:4: duplicate key 'brokerName' overrides line 3 "
                       "(same value)"));
  // An overridden bad value is never validated: the last line is the one that counts.
  EXPECT_EQ(broker_error("listenPort=abc\nlistenPort=10000\n"), "");
}

TEST(BrokerConfig, CompatibilityKeysAreNotedNotWarned) {
  auto parsed = parse_broker_text(
      "namesrvAddr=127.0.0.1:9876\nsendMessageThreadPoolNums=128\ntransientStorePoolEnable=true\n"
      "aclEnable=false\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_TRUE(parsed.diagnostics.warnings.empty()) << parsed.diagnostics.warnings.front();
  ASSERT_EQ(parsed.diagnostics.notes.size(), 3u);
  EXPECT_EQ(parsed.diagnostics.notes[0],
            "broker.properties:2: sendMessageThreadPoolNums is accepted for RocketMQ "
            "compatibility and ignored: there are no per-request-type thread pools: requests "
            "run on the transport's I/O threads and complete when the store and replication "
            "policies do");
  EXPECT_EQ(broker_error("aclEnable=true\n"),
            "broker.properties:1: aclEnable: 'true' is not supported: ACL is not implemented; "
            "without it every client would be accepted; allowed: false");
  EXPECT_EQ(broker_error("enableDLegerCommitLog=yes\n"),
            "broker.properties:1: enableDLegerCommitLog: 'yes' is not a boolean; allowed: false");
}

TEST(BrokerConfig, BooleansIgnoreCaseButRefuseAnythingElse) {
  auto parsed = parse_broker_text("autoCreateTopicEnable=FALSE\nslaveReadEnable=True\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_FALSE(parsed.result->auto_create_topic_enable);
  EXPECT_TRUE(parsed.result->slave_read_enable);
  EXPECT_EQ(broker_error("autoCreateTopicEnable=1\n"),
            "broker.properties:1: autoCreateTopicEnable: '1' is not a boolean; allowed: true, "
            "false");
}

TEST(BrokerConfig, ValuesRocketMqClampsAreClampedWithAWarning) {
  auto parsed = parse_broker_text(
      "diskMaxUsedSpaceRatio=99\nregisterNameServerPeriod=5000\nmappedFileSizeConsumeQueue="
      "300001\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.result->store.disk_max_used_space_ratio, 95);
  EXPECT_EQ(parsed.result->register_name_server_period_ms, 10000);
  EXPECT_EQ(parsed.result->store.mapped_file_size_consume_queue, 300020);
  const auto& w = parsed.diagnostics.warnings;
  EXPECT_TRUE(contains(w,
                       "broker.properties:1: diskMaxUsedSpaceRatio: '99' is outside 10..95; "
                       "using 95, as RocketMQ does"));
  EXPECT_TRUE(contains(w,
                       "broker.properties:2: registerNameServerPeriod: '5000' is outside "
                       "10000..60000; using 10000, as RocketMQ does"));
  EXPECT_TRUE(contains(w,
                       "broker.properties:3: mappedFileSizeConsumeQueue: '300001' is not a "
                       "multiple of the 20-byte entry; using 300020, as RocketMQ does"));
  auto low = parse_broker_text("diskMaxUsedSpaceRatio=5\n");
  EXPECT_EQ(low.result->store.disk_max_used_space_ratio, 10);
}

TEST(BrokerConfig, CommandLineOverridesWinAndAreNoted) {
  auto parsed =
      parse_broker_text("listenPort=10911\nlmdb.mapSize=1\n",
                        {command_line("listenPort", "20911"), command_line("lmdb.mapSize", "2"),
                         PropertyEntry{"brokerName", "x", "", 0}});
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.result->identity.listen_port, 20911);
  EXPECT_EQ(parsed.result->replication.ha_listen_port, 20912);
  EXPECT_EQ(parsed.result->identity.broker_name, "x");
  ASSERT_EQ(parsed.result->plugin_entries.size(), 1u);
  EXPECT_EQ(parsed.result->plugin_entries[0].value, "2");
  EXPECT_TRUE(contains(parsed.diagnostics.notes,
                       "<command line>: listenPort=20911 overrides broker.properties:1"));
  EXPECT_TRUE(contains(parsed.diagnostics.notes,
                       "<command line>: lmdb.mapSize=2 overrides broker.properties:2"));
  EXPECT_EQ(broker_error("listenPort=10911\n", {command_line("listenPort", "x")}),
            "<command line>: listenPort: 'x' is not an integer; allowed: 1..65535");
}

TEST(BrokerConfig, DottedKeysGoToThePluginsUnvalidated) {
  auto parsed = parse_broker_text("lmdb.mapSize=not-checked-here\nstorePlugin=store-lmdb\n");
  ASSERT_TRUE(parsed.result.ok());
  ASSERT_EQ(parsed.result->plugin_entries.size(), 1u);
  EXPECT_EQ(parsed.result->plugin_entries[0].key, "lmdb.mapSize");
  EXPECT_EQ(parsed.result->plugin_entries[0].line, 1);
  EXPECT_EQ(parsed.result->store_plugin, "store-lmdb");
}

TEST(BrokerConfig, TransportPluginsAreACommaSeparatedList) {
  auto parsed = parse_broker_text("transportPlugins=transport-tcp, transport-uds\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_EQ(parsed.result->transport_plugins,
            (std::vector<std::string>{"transport-tcp", "transport-uds"}));
  EXPECT_EQ(broker_error("transportPlugins=transport-tcp,transport-tcp\n"),
            "broker.properties:1: transportPlugins: 'transport-tcp,transport-tcp' names "
            "'transport-tcp' twice; allowed: comma-separated plugin names of [a-z0-9_-]+");
  EXPECT_EQ(broker_error("transportPlugins=\n"),
            "broker.properties:1: transportPlugins: '' names no plugin; allowed: comma-separated "
            "plugin names of [a-z0-9_-]+");
}

TEST(BrokerConfig, LineWithoutKeyIsWarnedAbout) {
  auto parsed = parse_broker_text("=orphan\n");
  ASSERT_TRUE(parsed.result.ok());
  EXPECT_TRUE(contains(parsed.diagnostics.warnings,
                       "broker.properties:1: line has no key (value 'orphan'); ignored"));
}

TEST(BrokerConfig, SlaveNeedsANonZeroIdAndMastersAreZero) {
  EXPECT_EQ(broker_error("brokerId=0\nbrokerRole=SLAVE\n"),
            "broker.properties:1: brokerId: '0' is the master's id, but brokerRole is SLAVE; "
            "allowed: an integer >= 1 when brokerRole=SLAVE");
  EXPECT_EQ(broker_error("brokerRole=SLAVE\n"),
            "broker.properties:1: brokerRole: 'SLAVE' needs brokerId >= 1, and brokerId is 0 "
            "(the master's id); allowed: set brokerId to 1 or more for a SLAVE");
  auto master = parse_broker_text("brokerId=2\nbrokerRole=SYNC_MASTER\n");
  ASSERT_TRUE(master.result.ok());
  EXPECT_EQ(master.result->identity.broker_id, 0);
  EXPECT_TRUE(contains(master.diagnostics.warnings,
                       "broker.properties:1: brokerId: 2 with brokerRole=SYNC_MASTER; a master's "
                       "id is 0, using 0 as RocketMQ does"));
}

TEST(BrokerConfig, PortsAndSizesThatContradictEachOther) {
  EXPECT_EQ(broker_error("listenPort=10911\nhaListenPort=10911\n"),
            "broker.properties:2: haListenPort: '10911' is the same as listenPort; allowed: "
            "1..65535 other than listenPort");
  EXPECT_EQ(broker_error("listenPort=65535\n"),
            "broker.properties:1: haListenPort: '65536' (default: listenPort + 1) is out of "
            "range; allowed: 1..65535");
  EXPECT_EQ(broker_error("listenPort=65535\nhaListenPort=65534\n"), "");
  EXPECT_EQ(broker_error("maxMessageSize=4194304\nmappedFileSizeCommitLog=1048576\n"),
            "broker.properties:2: mappedFileSizeCommitLog: a commit log file of 1048576 bytes "
            "cannot hold a message of maxMessageSize 4194304 plus 65536 bytes of record header; "
            "allowed: mappedFileSizeCommitLog >= maxMessageSize + 65536");
  EXPECT_EQ(broker_error("frameMaxLength=1048576\n"),
            "broker.properties:1: frameMaxLength: maxMessageSize 4194304 does not fit in a frame "
            "of frameMaxLength 1048576 bytes with 65536 bytes of headers; allowed: "
            "maxMessageSize <= frameMaxLength - 65536");
  EXPECT_EQ(broker_error("writeQueueLimitBytes=65536\n"),
            "broker.properties:1: writeQueueLimitBytes: writeQueueLimitBytes 65536 is smaller "
            "than frameMaxLength 16777216; allowed: writeQueueLimitBytes >= frameMaxLength");
}

TEST(BrokerConfig, EffectiveConfigIsSortedAndReadsBack) {
  auto parsed = parse_broker_text(
      "brokerRole=SYNC_MASTER\nmapedFileSizeCommitLog=536870912\nnamesrvAddr=localhost:9876\n"
      "messageDelayLevel=1s 5s\nlmdb.mapSize=1048576\nstorePathRootDir=/tmp/a b\n");
  ASSERT_TRUE(parsed.result.ok());
  const std::string printed = format_effective_config(*parsed.result);
  EXPECT_NE(printed.find("\nbrokerRole=SYNC_MASTER\n"), std::string::npos);
  EXPECT_NE(printed.find("\nmappedFileSizeCommitLog=536870912\n"), std::string::npos);
  EXPECT_NE(printed.find("\nnamesrvAddr=127.0.0.1:9876\n"), std::string::npos);
  EXPECT_NE(printed.find("\nmessageDelayLevel=1s 5s\n"), std::string::npos);
  EXPECT_NE(printed.find("\nreplicationPlugin=replication-sync\n"), std::string::npos);
  EXPECT_NE(printed.find("\nstorePathCommitLog=/tmp/a b/commitlog\n"), std::string::npos);
  EXPECT_EQ(printed.find("maped"), std::string::npos);
  EXPECT_EQ(printed.substr(printed.size() - 21), "lmdb.mapSize=1048576\n");

  // Reading the printout back gives the same configuration.
  auto reread = parse_broker_text(printed);
  ASSERT_TRUE(reread.result.ok()) << reread.result.status().to_string();
  EXPECT_EQ(format_effective_config(*reread.result), printed);
  EXPECT_TRUE(reread.diagnostics.warnings.empty()) << reread.diagnostics.warnings.front();
}

TEST(BrokerConfig, JunkNeverCrashesAndEveryMessageIsOneLine) {
  std::mt19937 rng(7);
  const std::vector<std::string> keys = {"listenPort",       "brokerRole",
                                         "namesrvAddr",      "deleteWhen",
                                         "lmdb.x",           "brokerNmae",
                                         "transportPlugins", "aclEnable",
                                         "storePathRootDir", "mapedFileSizeCommitLog"};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int lines = static_cast<int>(rng() % 6);
    for (int i = 0; i < lines; ++i) {
      text += keys[rng() % keys.size()] + "=";
      const int length = static_cast<int>(rng() % 12);
      for (int j = 0; j < length; ++j) text += static_cast<char>(rng() % 256);
      text += "\n";
    }
    auto parsed = parse_broker_text(text, {command_line(keys[rng() % keys.size()], "\x01\n")});
    if (!parsed.result.ok()) {
      EXPECT_EQ(parsed.result.status().message().find('\n'), std::string::npos);
    }
    for (const auto& w : parsed.diagnostics.warnings) EXPECT_EQ(w.find('\n'), std::string::npos);
    for (const auto& n : parsed.diagnostics.notes) EXPECT_EQ(n.find('\n'), std::string::npos);
  }
}

TEST(BrokerConfig, PartlyFilledEnvironmentFallsBackOnTheMachine) {
  ConfigEnvironment env;
  env.home_dir = [] { return std::string("/srv/mq"); };
  env.get_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  ConfigDiagnostics diagnostics;
  auto parsed = parse_broker_config(nullptr, {}, env, diagnostics);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->store.store_path_root_dir, "/srv/mq/store");
  EXPECT_FALSE(parsed->identity.broker_name.empty());
}

}  // namespace
}  // namespace mq::core
