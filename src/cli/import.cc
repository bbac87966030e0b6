// redledger import: checks a whole export first, then appends it verbatim
// (ImportEnvelopes), so a damaged file leaves the store as it was.
#include <filesystem>
#include <fstream>
#include <set>

#include "cli/common.h"
#include "cli/export_file.h"

namespace redledger::cli {
namespace {

constexpr char kUsage[] = R"(redledger import --data-dir D F [--public-key K]: load an export into a store (server stopped)
  --data-dir D            the data directory; its log must be empty, or end just before the export
  F                       the export file (redledger export)
  --public-key K          check the export's checkpoint signature with this verifier key
An export starting at position 1 goes into an empty store; one starting at head + 1 goes
onto a store whose log it proves it extends (same tree before it). The whole file is
checked before anything is written: a damaged file is refused with its line number and the
store is left as it was. Events keep their positions, event ids, recorded_at and hashes.
)";

// What the store looks like before the import.
struct Base {
  uint64_t head = 0;
  Micros last_recorded_at = 0;
  std::vector<Hash256> frontier;
};

int Run(const std::vector<std::string>& args, Io io) {
  const std::string cmd = "import";
  Result<Flags> flags = Flags::Parse(args, {"data-dir", "public-key"}, {});
  if (!flags.ok()) return Fail(io, cmd, flags.status().message() + " (see --help)", 2);
  Result<std::string> data_dir = flags->Required("data-dir");
  if (!data_dir.ok()) return Fail(io, cmd, data_dir.status().message(), 2);
  if (flags->positional().size() != 1) return Fail(io, cmd, "give exactly one export file (see --help)", 2);
  const std::string& path = flags->positional()[0];

  ExportCheckOptions options;
  if (auto key_path = flags->Get("public-key")) {
    Result<std::string> key = ReadVerifierKey(*key_path);
    if (!key.ok()) return Fail(io, cmd, key.status().message());
    options.verifier_key = *key;
  }

  Base base;
  std::unique_ptr<EventStore> store;
  if (Result<std::unique_ptr<EventStore>> opened = OpenLogReadOnly(*data_dir); opened.ok()) {
    store = std::move(opened).value();
    base.head = store->Head();
    if (base.head > 0) {
      Result<Envelope> last = store->ReadAt(base.head);
      Result<std::vector<Hash256>> frontier = FrontierHashes(base.head, store->TreeReader());
      if (!last.ok() || !frontier.ok()) return Fail(io, cmd, (last.ok() ? frontier.status() : last.status()).message());
      base.last_recorded_at = last->recorded_at;
      base.frontier = *frontier;
    }
  } else if (!opened.status().IsNotFound()) {
    return Fail(io, cmd, opened.status().message());
  }

  // Each stream's first event in the file must follow the store's version.
  std::set<std::string> seen;
  bool first = true;
  options.on_event = [&](const Envelope& e) -> Status {
    if (first && e.position != base.head + 1) {
      return Status::InvalidArgument("the export starts at position " + std::to_string(e.position) +
                                     " but this store's head is " + std::to_string(base.head) +
                                     " (an import starts at head + 1)");
    }
    if (first && e.recorded_at < base.last_recorded_at) {
      return Status::InvalidArgument("recorded_at is earlier than the store's last event");
    }
    first = false;
    if (!seen.insert(e.stream).second) return Status::OK();
    uint64_t version = 0;
    if (store != nullptr) {
      Result<uint64_t> v = store->StreamVersion(e.stream);
      if (!v.ok()) return v.status();
      version = *v;
    }
    if (e.version != version + 1) {
      return Status::InvalidArgument("stream " + e.stream + " is at version " + std::to_string(version) +
                                     " in this store, the export continues it at " + std::to_string(e.version));
    }
    return Status::OK();
  };

  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(io, cmd, "cannot read " + path);
  ExportSummary summary;
  if (Status s = CheckExport(in, options, &summary); !s.ok()) {
    return Fail(io, cmd, path + ": " + s.message() + "; nothing imported");
  }
  if (summary.frontier != base.frontier) {
    return Fail(io, cmd, path + ": the export does not extend this store's log (the tree before position " +
                             std::to_string(summary.from) + " differs); nothing imported");
  }
  store.reset();  // the importer needs the store to itself

  std::error_code ec;
  std::filesystem::create_directories(*data_dir, ec);
  std::ifstream again(path, std::ios::binary);
  if (!again) return Fail(io, cmd, "cannot read " + path);
  Result<uint64_t> head = ImportEnvelopes(LogDir(*data_dir), EnvelopeLineReader(again));
  if (!head.ok()) return Fail(io, cmd, head.status().message());
  if (!summary.signature_checked) io.err << "redledger import: warning: no --public-key, the checkpoint's signature was not checked\n";
  io.out << "imported positions " << summary.from << ".." << summary.to << "; head " << *head << ", root "
         << HexEncode(summary.checkpoint.root) << " as the checkpoint says\n";
  return 0;
}

}  // namespace

Command ImportCommand() { return {"import", kUsage, Run}; }

}  // namespace redledger::cli
