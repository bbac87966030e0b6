// The operator CLI `redledger` (tools/redledger.cc) as a library, so tests
// run its subcommands in-process. DESIGN §4 "Running", §7.
//
//   redledger <command> [flags]      (every command answers --help)
//
// Commands: export, verify-export, import, verify, proof check, replay,
// backup, restore, show, tail, seed. Those that read a data directory open
// its log read-only (a RocksDB secondary), so they are safe beside a running
// server; import, restore and seed write, and refuse a store in use.
//
// Thread safety: RunCli may run concurrently on different data directories.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace redledger {

// Runs `redledger <args…>` (args without the program name): output on
// `out`, errors on `err`. Returns the exit code: 0 on success, 1 when the
// command failed (a check did not pass, a store could not be read), 2 for a
// bad command line.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace redledger
