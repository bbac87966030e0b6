// The export file (DESIGN §7): what `redledger export` writes and
// `verify-export` and `import` check. Format and checks in export_file.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "redledger/checkpoint.h"
#include "redledger/envelope.h"
#include "redledger/status.h"

namespace redledger::cli {

struct ExportCheckOptions {
  // Checks the checkpoint's signature with this verifier key; without one
  // only the root is checked against the lines.
  std::optional<std::string> verifier_key;
  // Checkpoints an inspector kept (signature-checked): the export's log
  // must extend each.
  std::vector<Checkpoint> trusted;
  // Called for each envelope line after its own checks, e.g. to check it
  // against a store; an error is reported at that line.
  std::function<Status(const Envelope&)> on_event;
};

struct ExportSummary {
  uint64_t from = 0, to = 0;      // the positions exported
  std::vector<Hash256> frontier;  // the tree of size from − 1 (its peaks)
  Checkpoint checkpoint;          // signed at size `to`
  bool signature_checked = false;
  size_t trusted_checked = 0;
};

// Reads a whole export and checks it; Corruption or InvalidArgument whose
// message starts with "line N: " naming the first bad line (or the trailer).
Status CheckExport(std::istream& in, const ExportCheckOptions& options, ExportSummary* summary);

// The trailer lines of an export of positions from..to.
std::string FrontierLine(uint64_t size, const std::vector<Hash256>& hashes);
std::string ConsistencyLine(const ConsistencyProofData& proof);
std::string CheckpointLine(const std::string& signed_note);

// Reads the envelope lines one at a time (for import's second pass, after
// CheckExport passed): `next` fills the next envelope and returns false
// after the last.
std::function<Result<bool>(Envelope*)> EnvelopeLineReader(std::istream& in);

}  // namespace redledger::cli
