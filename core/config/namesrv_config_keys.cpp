// Every namesrv.properties key, declared once. RocketMQ's name server reads NamesrvConfig and
// NettyServerConfig keys from `mqnamesrv -c FILE`; brokerChannelExpiredTime and
// scanNotActiveBrokerInterval are constants there and keys here, so tests can shorten them.
#include "config/namesrv_config_keys.h"

#include "config/config_checks.h"
#include "config/config_key_builders.h"
#include "config/shared_config_keys.h"

#include <string>

namespace mq::core {
namespace {

using K = KeyBuilders<NamesrvConfig>;

KeyTable<NamesrvConfig> build_namesrv_key_table() {
  KeyTable<NamesrvConfig> t;
  t.add(K::text(
      {"listenAddress", "0.0.0.0", "IPv4 address to listen on (0.0.0.0 = all)"}, "string",
      "an IPv4 address", check_ipv4, [](auto& c) -> auto& { return c.listen_address; }));
  t.add(K::integer(
      {"listenPort", "9876", "port brokers and clients connect to"}, 1, 65535,
      [](auto& c) -> auto& { return c.listen_port; }));
  t.add(K::integer(
      {"brokerChannelExpiredTime", "120000",
       "ms after which a broker that stopped registering is dropped"},
      1000, 86400000, [](auto& c) -> auto& { return c.broker_expired_ms; }));
  t.add(K::integer(
      {"scanNotActiveBrokerInterval", "10000", "ms between scans for brokers to drop"}, 100,
      3600000, [](auto& c) -> auto& { return c.scan_not_active_broker_interval_ms; }));
  t.add(K::boolean(
      {"orderMessageEnable", "false", "serve ORDER_TOPIC_CONFIG key-value entries with routes"},
      [](auto& c) -> auto& { return c.order_message_enable; }));
  add_transport_keys(t);
  add_plugin_and_log_keys(t);
  add_ignored_server_keys(t);
  constexpr std::string_view kNoKvStore =
      "the name server keeps no key-value config file; it is stateless";
  for (std::string_view name : {"kvConfigPath", "configStorePath"})
    t.add(K::ignored(name, kNoKvStore));
  t.add(K::ignored("productEnvName", "there is no product environment namespace"));
  t.add(K::ignored("clusterTest", "there is no cluster test mode"));
  t.add(K::ignored("defaultThreadPoolNums",
                   "requests run on the transport's I/O threads (serverSelectorThreads)"));
  t.add(K::ignored("clientRequestThreadPoolNums",
                   "requests run on the transport's I/O threads (serverSelectorThreads)"));
  t.seal();  // the key table test asserts that no name is declared twice
  return t;
}

}  // namespace

const KeyTable<NamesrvConfig>& namesrv_key_table() {
  static const KeyTable<NamesrvConfig> table = build_namesrv_key_table();
  return table;
}

}  // namespace mq::core
