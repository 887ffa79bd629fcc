// On-disk layout of the store-mmap plugin: every byte it writes is described here.
//
// Commit log (storePathCommitLog/<20-digit start offset>): fixed-size files of
// mappedFileSizeCommitLog bytes, each holding whole §5.1 stored records back to back (their
// layout and constants live in mq/sdk/stored_record.h). A record never spans two files: when the
// next record does not fit, the rest of the file is one end-of-file filler:
//   int32 TOTALSIZE  = bytes left in the file (>= kFillerMinSize)
//   int32 MAGICCODE  = record::kBlankMagic (0xCBD43194)
//   the remaining TOTALSIZE - 8 bytes are unspecified.
// A record is appended only while at least kFillerMinSize bytes stay free after it, so a filler
// always fits. Bytes past the last record are zero (files are created sparse).
//
// Consume queue (storePathConsumeQueue/<topic>/<queueId>/<20-digit start byte>): entry n of a
// queue is at byte n * kConsumeQueueEntrySize of the queue's concatenated files.
//
// Index (storePathIndex/<20-digit first physical offset>): see kIndex* below.
//
// Checkpoint (storeCheckpoint): see kCheckpoint* below.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mq::store_mmap {

// ---- commit log -----------------------------------------------------------------------------
inline constexpr std::int64_t kFillerMinSize = 8;  // TOTALSIZE + MAGICCODE of the filler

// ---- consume queue entry (20 bytes, big-endian) ---------------------------------------------
inline constexpr std::size_t kConsumeQueueEntrySize = 20;
inline constexpr std::size_t kCqPhysicalOffset = 0;  // int64 commit-log offset of the record
inline constexpr std::size_t kCqSize = 8;            // int32 record size (TOTALSIZE)
inline constexpr std::size_t kCqTagsCode = 12;       // int64 tags code (§5.7)
// An entry that holds no message (placeholders before a queue's first stored entry, or a gap
// repaired after a crash): physical offset 0, this size, tags code 0. Readers skip it.
inline constexpr std::int32_t kCqBlankSize = 0x7FFFFFFF;

// ---- index file ---------------------------------------------------------------------------------
// A fixed-size file: header, then kIndexSlot-byte hash slots, then kIndexEntrySize-byte entries.
// Slot s holds the 1-based number of the newest entry whose key hashes to s (0 = none); each
// entry links to the previous entry of its slot, so a lookup walks one chain.
inline constexpr std::size_t kIndexHeaderSize = 48;
inline constexpr std::size_t kIndexHeaderMagic = 0;         // uint32 kIndexMagic
inline constexpr std::size_t kIndexHeaderSlotCount = 4;     // int32 number of hash slots
inline constexpr std::size_t kIndexHeaderEntryLimit = 8;    // int32 entries the file can hold
inline constexpr std::size_t kIndexHeaderEntryCount = 12;   // int32 entries written
inline constexpr std::size_t kIndexHeaderBeginTime = 16;    // int64 first entry's store time ms
inline constexpr std::size_t kIndexHeaderEndTime = 24;      // int64 last entry's store time ms
inline constexpr std::size_t kIndexHeaderBeginOffset = 32;  // int64 first entry's phys offset
inline constexpr std::size_t kIndexHeaderEndOffset = 40;    // int64 end of the last indexed record
inline constexpr std::uint32_t kIndexMagic = 0x4D51494Eu;   // "MQIN"
inline constexpr std::size_t kIndexSlotSize = 4;
inline constexpr std::size_t kIndexEntrySize = 20;
inline constexpr std::size_t kIndexEntryKeyHash = 0;     // int32 hash of "topic#key"
inline constexpr std::size_t kIndexEntryPhysOffset = 4;  // int64 the record's physical offset
inline constexpr std::size_t kIndexEntryTimeDelta = 12;  // int32 store time - begin time, seconds
inline constexpr std::size_t kIndexEntryPrevious = 16;   // int32 previous entry in slot (0 = end)

// ---- checkpoint ---------------------------------------------------------------------------------
// Written whole to "<storeCheckpoint>.tmp", synced, then renamed over storeCheckpoint.
// Every offset is a record boundary in the commit log; recovery re-reads the log from the
// smallest of them.
inline constexpr std::size_t kCheckpointSize = 40;
inline constexpr std::size_t kCheckpointMagic = 0;           // uint32 kCheckpointMagicValue
inline constexpr std::size_t kCheckpointVersion = 4;         // uint32 1
inline constexpr std::size_t kCheckpointLogFlushed = 8;      // int64 log durable below this
inline constexpr std::size_t kCheckpointQueuesFlushed = 16;  // int64 queue entries durable below
inline constexpr std::size_t kCheckpointIndexFlushed = 24;   // int64 index entries durable below
inline constexpr std::size_t kCheckpointReserved = 32;       // uint32 0
inline constexpr std::size_t kCheckpointCrc = 36;            // uint32 CRC32 of bytes [0, 36)
inline constexpr std::uint32_t kCheckpointMagicValue = 0x4D514350u;  // "MQCP"

}  // namespace mq::store_mmap
