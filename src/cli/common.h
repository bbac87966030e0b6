// Shared pieces of the `redledger` subcommands: a small flag parser, the
// command table and helpers to open a data directory's parts.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redledger/checkpoint.h"
#include "redledger/event_store.h"
#include "redledger/status.h"

namespace redledger::cli {

// Parsed "--name value" and "--switch" arguments plus positionals.
class Flags {
 public:
  // `valued`: flags that take a value (may repeat); `switches`: flags that
  // do not. InvalidArgument for an unknown flag or a missing value.
  static Result<Flags> Parse(const std::vector<std::string>& args, const std::vector<std::string>& valued,
                             const std::vector<std::string>& switches);

  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> All(const std::string& name) const;
  // InvalidArgument naming the flag when it is missing.
  Result<std::string> Required(const std::string& name) const;
  // A non-negative integer flag; `fallback` when absent.
  Result<uint64_t> Number(const std::string& name, std::optional<uint64_t> fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

struct Io {
  std::ostream& out;
  std::ostream& err;
};

// One subcommand: its usage text (printed for --help) and its body, which
// returns the process exit code.
struct Command {
  std::string name;
  std::string usage;
  std::function<int(const std::vector<std::string>& args, Io io)> run;
};

// Prints "redledger <cmd>: <message>" to err and returns `code`.
int Fail(Io io, const std::string& cmd, const std::string& message, int code = 1);

// The paths inside a data directory (see src/server/main.cc).
std::string LogDir(const std::string& data_dir);
std::string DefaultSigningKey(const std::string& data_dir);

// Opens the log read-only (a RocksDB secondary: safe beside a running server).
Result<std::unique_ptr<EventStore>> OpenLogReadOnly(const std::string& data_dir);

Result<std::string> ReadFile(const std::string& path);
// A verifier key file's text without surrounding whitespace.
Result<std::string> ReadVerifierKey(const std::string& path);
// Reads and verifies a signed checkpoint note file.
Result<Checkpoint> ReadCheckpointFile(const std::string& path, const std::string& verifier_key);

// The nodes a CompactRange of `size` leaves is loaded from (its peaks, left
// to right), so a verifier can continue the tree from them.
Result<std::vector<Hash256>> FrontierHashes(uint64_t size, const merkle::NodeReader& read);
// A NodeReader serving those peaks, for merkle::CompactRange::Load.
merkle::NodeReader FrontierReader(uint64_t size, const std::vector<Hash256>& hashes);

// The subcommands, one factory per file.
Command ExportCommand();
Command VerifyExportCommand();
Command ImportCommand();
Command VerifyCommand();
Command ProofCommand();
Command ReplayCommand();
Command BackupCommand();
Command RestoreCommand();
Command ShowCommand();
Command TailCommand();
Command SeedCommand();

}  // namespace redledger::cli
