// Backups of a data directory (DESIGN §4 `POST /v1/admin/backups`, the
// CLI's `backup` and `restore`).
//
// A backup copies a consistent view of every database of the data
// directory — log, vault, credentials, idempotency, projections — plus
// scores.checkpoint and keys/, through RocksDB secondary instances, so it
// runs beside the server that writes them (in its process or another) and
// never blocks it. The parts are copied in an order that keeps them
// consistent with each other: the read models and idempotency records first
// (they never run ahead of the log), then the log, then the credentials and
// the vault (a key is stored before the first event sealed with it). It is
// written under a temporary name and renamed when complete, so a crash never
// leaves a partial backup that looks whole. backup.json in it records
// {backup_id, position, created_at, parts}.
//
// Thread safety: BackupDataDir may run concurrently with the server's writes
// and with other backups (each gets its own id).
#pragma once

#include <cstdint>
#include <string>

#include "redledger/status.h"

namespace redledger {

struct BackupInfo {
  std::string backup_id;  // "backup-<UTC time, microseconds>", the directory's name
  uint64_t position = 0;  // the log's head in the backup
  std::string path;       // <backup_root>/<backup_id>
};

// Backs up `data_dir` into a new directory under `backup_root` (created if
// missing). NotFound when data_dir has no log; IOError when a part cannot be
// read or written.
Result<BackupInfo> BackupDataDir(const std::string& data_dir, const std::string& backup_root);

// Restores the backup directory `backup_dir` (one <backup_root>/<backup_id>)
// into `data_dir`, which must not hold any of the parts yet (the server
// stopped, the damaged directory moved away): InvalidArgument otherwise.
// Then verifies the restored log (redledger/log_verifier.h) and that its
// head is the backup's position; Corruption if not. Returns that position.
Result<uint64_t> RestoreDataDir(const std::string& backup_dir, const std::string& data_dir);

}  // namespace redledger
