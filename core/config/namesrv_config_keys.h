// The name server's key table, declared once in namesrv_config_keys.cpp. Internal to the
// config layer (and its tests).
#pragma once

#include "config/broker_config.h"
#include "config/config_key_table.h"

namespace mq::core {

// The sealed table, built on first use. Safe to call from any thread.
const KeyTable<NamesrvConfig>& namesrv_key_table();

}  // namespace mq::core
