// The abort file: present while a store runs (a clean stop removes it), so finding it at start
// means the last run crashed. It holds the boot id of the machine it was written on (Linux:
// /proc/sys/kernel/random/boot_id, a random UUID per boot): when it names the current boot,
// only the process died and the page cache kept every store into the mapped files.
#pragma once

#include "mq/sdk/status.h"

#include <string>

namespace mq::store_mmap::abort_file {

// This boot's id, or "" when it cannot be read.
std::string current_boot_id();

// Whether the file at `path` exists and names the current boot.
bool written_this_boot(const std::string& path);

// Creates (or replaces) the file with the current boot id and syncs it. kIoError when it cannot
// be created; `*boot_id_written` tells whether the id could be written into it.
sdk::Status create(const std::string& path, bool* boot_id_written);

}  // namespace mq::store_mmap::abort_file
