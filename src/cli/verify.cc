// redledger verify (VerifyLog over a data directory) and redledger proof
// check (an inclusion or consistency proof against signed checkpoints).
#include <ostream>

#include "cli/common.h"
#include "redledger/log_verifier.h"

namespace redledger::cli {
namespace {

constexpr char kVerifyUsage[] = R"(redledger verify --data-dir D [--trusted-checkpoint F …] [--public-key K]: recompute the log
  --data-dir D            the data directory (opened read-only; safe while the server runs)
  --trusted-checkpoint F  a signed checkpoint an inspector kept (repeatable); the log must
                          extend it: not truncated below its size, the same root at its size
  --public-key K          the verifier key the checkpoints are signed with (required with
                          --trusted-checkpoint)
Recomputes every event's hash, the tree and its stored nodes; prints the first bad position
and exits 1 on failure.
)";

constexpr char kProofUsage[] = R"(redledger proof check --checkpoint C --public-key K (--inclusion P.json --leaf-hash H | --consistency P.json --older C0): check a proof
  --checkpoint C          the signed checkpoint the proof leads to
  --public-key K          its verifier key
  --inclusion P.json      an inclusion proof {"hashes","leaf_index","tree_size"}
  --leaf-hash H           the event's hash (hex) the inclusion proof is for
  --consistency P.json    a consistency proof {"from_size","hashes","to_size"}
  --older C0              the earlier signed checkpoint the consistency proof starts from
)";

int RunVerify(const std::vector<std::string>& args, Io io) {
  const std::string cmd = "verify";
  Result<Flags> flags = Flags::Parse(args, {"data-dir", "trusted-checkpoint", "public-key"}, {});
  if (!flags.ok()) return Fail(io, cmd, flags.status().message() + " (see --help)", 2);
  Result<std::string> data_dir = flags->Required("data-dir");
  if (!data_dir.ok()) return Fail(io, cmd, data_dir.status().message(), 2);
  std::vector<Checkpoint> trusted;
  if (flags->Has("trusted-checkpoint")) {
    Result<std::string> key_path = flags->Required("public-key");
    if (!key_path.ok()) return Fail(io, cmd, "--trusted-checkpoint needs --public-key", 2);
    Result<std::string> key = ReadVerifierKey(*key_path);
    if (!key.ok()) return Fail(io, cmd, key.status().message());
    for (const std::string& path : flags->All("trusted-checkpoint")) {
      Result<Checkpoint> c = ReadCheckpointFile(path, *key);
      if (!c.ok()) return Fail(io, cmd, c.status().message());
      trusted.push_back(*c);
    }
  }
  Result<std::unique_ptr<EventStore>> store = OpenLogReadOnly(*data_dir);
  if (!store.ok()) return Fail(io, cmd, store.status().message());
  VerifyReport report;
  Status s = VerifyLog(**store, trusted, &report);
  if (!s.ok()) {
    if (report.bad_position != 0) io.err << "first bad position: " << report.bad_position << "\n";
    return Fail(io, cmd, "FAILED: " + s.message());
  }
  io.out << "ok: " << report.events << " events, root " << HexEncode(report.root) << ", consistent with "
         << report.checkpoints << " trusted checkpoint(s)\n";
  return 0;
}

int RunProof(const std::vector<std::string>& args, Io io) {
  const std::string cmd = "proof check";
  if (args.empty() || args[0] != "check") return Fail(io, "proof", "the only subcommand is 'check' (see --help)", 2);
  Result<Flags> flags = Flags::Parse({args.begin() + 1, args.end()},
                                     {"checkpoint", "public-key", "inclusion", "leaf-hash", "consistency", "older"}, {});
  if (!flags.ok()) return Fail(io, cmd, flags.status().message() + " (see --help)", 2);
  Result<std::string> checkpoint_path = flags->Required("checkpoint");
  Result<std::string> key_path = flags->Required("public-key");
  if (!checkpoint_path.ok() || !key_path.ok()) return Fail(io, cmd, "--checkpoint and --public-key are required", 2);
  if (flags->Has("inclusion") == flags->Has("consistency")) return Fail(io, cmd, "give --inclusion or --consistency", 2);
  Result<std::string> key = ReadVerifierKey(*key_path);
  if (!key.ok()) return Fail(io, cmd, key.status().message());
  Result<Checkpoint> checkpoint = ReadCheckpointFile(*checkpoint_path, *key);
  if (!checkpoint.ok()) return Fail(io, cmd, checkpoint.status().message());

  if (auto path = flags->Get("inclusion")) {
    Result<std::string> leaf_hex = flags->Required("leaf-hash");
    if (!leaf_hex.ok()) return Fail(io, cmd, "--inclusion needs --leaf-hash", 2);
    Result<Hash256> leaf = ParseHash256(*leaf_hex);
    if (!leaf.ok()) return Fail(io, cmd, "--leaf-hash: " + leaf.status().message(), 2);
    Result<std::string> json = ReadFile(*path);
    if (!json.ok()) return Fail(io, cmd, json.status().message());
    Result<InclusionProofData> proof = ParseInclusionProofJson(*json);
    if (!proof.ok()) return Fail(io, cmd, *path + ": " + proof.status().message());
    if (Status s = CheckInclusion(*proof, *leaf, *checkpoint); !s.ok()) return Fail(io, cmd, "FAILED: " + s.message());
    io.out << "ok: position " << proof->leaf_index + 1 << " is in the log of " << checkpoint->size << " events\n";
    return 0;
  }
  Result<std::string> older_path = flags->Required("older");
  if (!older_path.ok()) return Fail(io, cmd, "--consistency needs --older", 2);
  Result<Checkpoint> older = ReadCheckpointFile(*older_path, *key);
  if (!older.ok()) return Fail(io, cmd, older.status().message());
  Result<std::string> json = ReadFile(*flags->Get("consistency"));
  if (!json.ok()) return Fail(io, cmd, json.status().message());
  Result<ConsistencyProofData> proof = ParseConsistencyProofJson(*json);
  if (!proof.ok()) return Fail(io, cmd, proof.status().message());
  if (Status s = CheckConsistency(*proof, *older, *checkpoint); !s.ok()) return Fail(io, cmd, "FAILED: " + s.message());
  io.out << "ok: the log of " << checkpoint->size << " events extends the one of " << older->size << "\n";
  return 0;
}

}  // namespace

Command VerifyCommand() { return {"verify", kVerifyUsage, RunVerify}; }
Command ProofCommand() { return {"proof", kProofUsage, RunProof}; }

}  // namespace redledger::cli
