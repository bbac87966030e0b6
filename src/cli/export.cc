// redledger export and verify-export (format in export_file.cc).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/common.h"
#include "cli/export_file.h"
#include "redledger/codec.h"
#include "redledger/log_proofs.h"

namespace redledger::cli {
namespace {

constexpr char kExportUsage[] = R"(redledger export --data-dir D --from P --to Q [--out F]: write events P..Q as NDJSON, signed
  --data-dir D            the server's data directory (opened read-only; safe while it runs)
  --from P, --to Q        the positions to export (1 <= P <= Q <= head)
  --out F                 write to F (default: standard output)
  --signing-key PATH      Ed25519 checkpoint key (default D/keys/checkpoint.key)
  --log-origin NAME       checkpoint origin and key name (default redledger)
  --consistency-from M    also prove the log at Q extends the checkpoint of size M an
                          inspector kept (needed when M < P - 1)
One envelope per line (hash included, personal data only as ciphertext), then the trailer:
{"frontier":{...}}, optionally {"consistency":{...}}, and {"checkpoint":"<signed note>"}.
)";

constexpr char kVerifyExportUsage[] = R"(redledger verify-export F --public-key K [--trusted-checkpoint C …]: check an export offline
  F                       the export file (no server or data directory needed)
  --public-key K          the log's verifier key file (the server's <signing key>.pub)
  --trusted-checkpoint C  a signed checkpoint kept earlier; the export must extend it (repeatable)
Checks every line's hash, consecutive positions, the root recomputed against the signed
checkpoint, and consistency with each trusted checkpoint; names the first bad line.
)";

int RunExport(const std::vector<std::string>& args, Io io) {
  const std::string cmd = "export";
  Result<Flags> flags = Flags::Parse(args, {"data-dir", "from", "to", "out", "signing-key", "log-origin", "consistency-from"}, {});
  if (!flags.ok()) return Fail(io, cmd, flags.status().message() + " (see --help)", 2);
  Result<std::string> data_dir = flags->Required("data-dir");
  Result<uint64_t> from = flags->Number("from", std::nullopt);
  Result<uint64_t> to = flags->Number("to", std::nullopt);
  Result<uint64_t> consistency_from = flags->Number("consistency-from", 0);
  for (const Status& s : {data_dir.status(), from.status(), to.status(), consistency_from.status()}) {
    if (!s.ok()) return Fail(io, cmd, s.message() + " (see --help)", 2);
  }
  if (*from < 1 || *from > *to) return Fail(io, cmd, "want 1 <= --from <= --to", 2);
  const std::string key_path = flags->Get("signing-key").value_or(DefaultSigningKey(*data_dir));
  // Signer::Open would create a missing key: an export must be signed by the log's own.
  if (!std::filesystem::exists(key_path)) return Fail(io, cmd, "no signing key at " + key_path + " (--signing-key)");
  Result<std::unique_ptr<Signer>> signer = Signer::Open(key_path, flags->Get("log-origin").value_or("redledger"));
  if (!signer.ok()) return Fail(io, cmd, signer.status().message());

  Result<std::unique_ptr<EventStore>> store = OpenLogReadOnly(*data_dir);
  if (!store.ok()) return Fail(io, cmd, store.status().message());
  EventStore& log = **store;
  if (*to > log.Head()) return Fail(io, cmd, "--to " + std::to_string(*to) + " is beyond the head " + std::to_string(log.Head()), 2);
  if (*consistency_from > *to) return Fail(io, cmd, "--consistency-from is beyond --to", 2);

  std::ofstream file;
  if (auto out = flags->Get("out")) {
    file.open(*out, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(io, cmd, "cannot write " + *out);
  }
  std::ostream& out = file.is_open() ? static_cast<std::ostream&>(file) : io.out;

  for (uint64_t after = *from - 1; after < *to;) {
    Result<std::vector<Envelope>> batch = log.ReadAll(after, std::min<uint64_t>(1000, *to - after));
    if (!batch.ok()) return Fail(io, cmd, batch.status().message());
    for (const Envelope& e : *batch) out << EnvelopeJson(e) << "\n";
    after += batch->size();
  }
  Result<std::vector<Hash256>> frontier = FrontierHashes(*from - 1, log.TreeReader());
  Result<Hash256> root = merkle::RootAt(*to, log.TreeReader());
  if (!frontier.ok() || !root.ok()) return Fail(io, cmd, "reading the tree: " + (frontier.ok() ? root.status() : frontier.status()).message());
  out << FrontierLine(*from - 1, *frontier) << "\n";
  if (*consistency_from > 0) {
    Result<ConsistencyProofData> proof = ProveConsistency(log, *consistency_from, *to);
    if (!proof.ok()) return Fail(io, cmd, proof.status().message());
    out << ConsistencyLine(*proof) << "\n";
  }
  Result<std::string> note = (*signer)->Sign(Checkpoint{(*signer)->name(), *to, *root, SystemClock::Default()->NowMicros()});
  if (!note.ok()) return Fail(io, cmd, note.status().message());
  out << CheckpointLine(*note) << "\n";
  out.flush();
  if (!out) return Fail(io, cmd, "writing the export failed");
  if (file.is_open()) io.err << "exported positions " << *from << ".." << *to << " to " << *flags->Get("out") << "\n";
  return 0;
}

int RunVerifyExport(const std::vector<std::string>& args, Io io) {
  const std::string cmd = "verify-export";
  Result<Flags> flags = Flags::Parse(args, {"public-key", "trusted-checkpoint"}, {});
  if (!flags.ok()) return Fail(io, cmd, flags.status().message() + " (see --help)", 2);
  if (flags->positional().size() != 1) return Fail(io, cmd, "give exactly one export file (see --help)", 2);
  Result<std::string> key_path = flags->Required("public-key");
  if (!key_path.ok()) return Fail(io, cmd, key_path.status().message(), 2);
  Result<std::string> key = ReadVerifierKey(*key_path);
  if (!key.ok()) return Fail(io, cmd, key.status().message());
  ExportCheckOptions options;
  options.verifier_key = *key;
  for (const std::string& path : flags->All("trusted-checkpoint")) {
    Result<Checkpoint> c = ReadCheckpointFile(path, *key);
    if (!c.ok()) return Fail(io, cmd, c.status().message());
    options.trusted.push_back(*c);
  }
  const std::string& path = flags->positional()[0];
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(io, cmd, "cannot read " + path);
  ExportSummary summary;
  if (Status s = CheckExport(in, options, &summary); !s.ok()) return Fail(io, cmd, path + ": " + s.message());
  io.out << "ok: positions " << summary.from << ".." << summary.to << ", root " << HexEncode(summary.checkpoint.root)
         << " signed by " << summary.checkpoint.origin << ", consistent with " << summary.trusted_checked
         << " trusted checkpoint(s)\n";
  return 0;
}

}  // namespace

Command ExportCommand() { return {"export", kExportUsage, RunExport}; }
Command VerifyExportCommand() { return {"verify-export", kVerifyExportUsage, RunVerifyExport}; }

}  // namespace redledger::cli
