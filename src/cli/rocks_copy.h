// Copies a RocksDB database key by key, every column family, through a
// secondary instance: a consistent view of the source as of the copy's
// start, read beside a writer (in this process or another) without blocking
// it. The one file of this module that talks to RocksDB.
#pragma once

#include <string>

#include "redledger/status.h"

namespace redledger::cli {

// Copies the database in `from` into a new database in `to`. NotFound when
// `from` holds no database; IOError otherwise on failure.
Status CopyRocksDb(const std::string& from, const std::string& to);

}  // namespace redledger::cli
