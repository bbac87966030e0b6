// The export file: NDJSON, one JSON object per line.
//
//   export          := envelope-line+ frontier-line consistency-line? checkpoint-line
//   envelope-line   := EnvelopeJson(e) (redledger/codec.h: hash included,
//                      `personal` as base64 ciphertext) — positions from,
//                      from + 1, …, to, consecutive
//   frontier-line   := {"frontier":{"hashes":[hex…],"size":from − 1}}
//                      the peaks of the tree of the from − 1 events before
//                      the range (its maximal perfect subtrees, left to
//                      right; none when from = 1): appending the lines' leaf
//                      hashes to it yields the root at `to`
//   consistency-line:= {"consistency":{"from_size":m,"hashes":[hex…],"to_size":to}}
//                      (export --consistency-from m): proves the log at `to`
//                      extends an inspector's checkpoint of size m < from − 1
//   checkpoint-line := {"checkpoint":"<C2SP signed note, redledger/checkpoint.h>"}
//                      a checkpoint of size `to` whose root the lines and
//                      the frontier must reproduce
//
// A trusted checkpoint of size m with from − 1 <= m <= to is checked against
// the root recomputed at m; one smaller needs the consistency line.
#include "cli/export_file.h"

#include <boost/json.hpp>
#include <bit>
#include <istream>
#include <map>

#include "cli/common.h"
#include "redledger/codec.h"
#include "redledger/merkle.h"

namespace redledger::cli {
namespace {

Status LineError(uint64_t line, const std::string& why) {
  return Status::Corruption("line " + std::to_string(line) + ": " + why);
}

std::string HashArray(const std::vector<Hash256>& hashes) {
  std::string out = "[";
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (i > 0) out += ",";
    out += "\"" + HexEncode(hashes[i]) + "\"";
  }
  return out + "]";
}

Result<std::vector<Hash256>> ParseHashArray(const boost::json::value* v) {
  if (v == nullptr || !v->is_array()) return Status::InvalidArgument("hashes is not an array");
  std::vector<Hash256> out;
  for (const boost::json::value& h : v->as_array()) {
    if (!h.is_string()) return Status::InvalidArgument("a hash is not a string");
    Result<Hash256> parsed = ParseHash256(std::string_view(h.as_string()));
    if (!parsed.ok()) return parsed.status();
    out.push_back(*parsed);
  }
  return out;
}

// The checkpoint text of a note without checking its signature (import
// without a key: the lines are still checked against the root).
Result<Checkpoint> ParseUnverifiedCheckpoint(const std::string& note) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (lines.size() < 3) {
    size_t nl = note.find('\n', start);
    if (nl == std::string::npos) return Status::InvalidArgument("the checkpoint note is truncated");
    lines.push_back(note.substr(start, nl - start));
    start = nl + 1;
  }
  Checkpoint c;
  c.origin = lines[0];
  try {
    size_t used = 0;
    c.size = std::stoull(lines[1], &used);
    if (used != lines[1].size()) throw std::invalid_argument("size");
  } catch (const std::exception&) {
    return Status::InvalidArgument("the checkpoint's tree size is not a number");
  }
  Result<std::string> root = Base64Decode(lines[2]);
  if (!root.ok() || root->size() != 32) return Status::InvalidArgument("the checkpoint's root is not 32 bytes of base64");
  std::copy(root->begin(), root->end(), c.root.begin());
  return c;
}

struct Trailer {
  std::optional<std::pair<uint64_t, std::vector<Hash256>>> frontier;
  std::optional<ConsistencyProofData> consistency;
  std::optional<std::string> checkpoint_note;
};

// Parses a trailer line into `t`; false when the line is not one.
Result<bool> ParseTrailerLine(const std::string& text, Trailer* t) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object() || v.as_object().size() != 1) return false;
  const boost::json::object& o = v.as_object();
  if (const boost::json::value* f = o.if_contains("frontier")) {
    if (t->frontier) return Status::InvalidArgument("a second frontier line");
    if (!f->is_object() || !f->as_object().contains("size") || !f->as_object().at("size").is_int64() ||
        f->as_object().at("size").as_int64() < 0) {
      return Status::InvalidArgument("the frontier has no size");
    }
    Result<std::vector<Hash256>> hashes = ParseHashArray(f->as_object().if_contains("hashes"));
    if (!hashes.ok()) return Status::InvalidArgument("frontier: " + hashes.status().message());
    t->frontier.emplace(static_cast<uint64_t>(f->as_object().at("size").as_int64()), std::move(hashes).value());
    return true;
  }
  if (const boost::json::value* c = o.if_contains("consistency")) {
    if (t->consistency) return Status::InvalidArgument("a second consistency line");
    Result<ConsistencyProofData> p = ParseConsistencyProofJson(boost::json::serialize(*c));
    if (!p.ok()) return Status::InvalidArgument("consistency: " + p.status().message());
    t->consistency = std::move(p).value();
    return true;
  }
  if (const boost::json::value* c = o.if_contains("checkpoint")) {
    if (!c->is_string()) return Status::InvalidArgument("the checkpoint is not a string");
    t->checkpoint_note = std::string(c->as_string());
    return true;
  }
  return false;
}

}  // namespace

std::string FrontierLine(uint64_t size, const std::vector<Hash256>& hashes) {
  return "{\"frontier\":{\"hashes\":" + HashArray(hashes) + ",\"size\":" + std::to_string(size) + "}}";
}

std::string ConsistencyLine(const ConsistencyProofData& proof) {
  return "{\"consistency\":" + ProofJson(proof) + "}";
}

std::string CheckpointLine(const std::string& signed_note) {
  std::string out = "{\"checkpoint\":";
  AppendJsonString(&out, signed_note);
  return out + "}";
}

Status CheckExport(std::istream& in, const ExportCheckOptions& options, ExportSummary* summary) {
  std::vector<Hash256> leaves;
  std::map<std::string, uint64_t> versions;  // last version seen per stream
  Micros last_recorded_at = 0;
  Trailer trailer;
  uint64_t line = 0, first_trailer_line = 0;
  std::string text;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty()) return LineError(line, "empty line");
    Result<bool> is_trailer = ParseTrailerLine(text, &trailer);
    if (!is_trailer.ok()) return LineError(line, is_trailer.status().message());
    if (*is_trailer) {
      if (first_trailer_line == 0) first_trailer_line = line;
      continue;
    }
    if (first_trailer_line != 0) return LineError(line, "an event after the trailer");
    Result<Envelope> e = EnvelopeFromJson(text);
    if (!e.ok()) return LineError(line, "not an envelope: " + e.status().message());
    if (LeafHash(*e) != e->hash) return LineError(line, "hash mismatch (position " + std::to_string(e->position) + ")");
    if (leaves.empty()) {
      if (e->position == 0) return LineError(line, "position 0");
      summary->from = e->position;
    } else if (e->position != summary->from + leaves.size()) {
      return LineError(line, "position " + std::to_string(e->position) + ", expected " +
                                 std::to_string(summary->from + leaves.size()) + " (an event removed or reordered)");
    }
    if (e->recorded_at < last_recorded_at) return LineError(line, "recorded_at goes back in time");
    last_recorded_at = e->recorded_at;
    if (auto it = versions.find(e->stream); it != versions.end() && e->version != it->second + 1) {
      return LineError(line, "stream " + e->stream + " version " + std::to_string(e->version) + " after " +
                                 std::to_string(it->second));
    }
    versions[e->stream] = e->version;
    if (options.on_event) {
      if (Status s = options.on_event(*e); !s.ok()) return LineError(line, s.message());
    }
    leaves.push_back(e->hash);
  }
  if (leaves.empty()) return LineError(line + 1, "no events");
  summary->to = summary->from + leaves.size() - 1;
  const std::string at_trailer = "trailer (line " + std::to_string(first_trailer_line) + ")";
  if (!trailer.frontier || !trailer.checkpoint_note) {
    return Status::Corruption("line " + std::to_string(line + 1) + ": the frontier or checkpoint line is missing (truncated?)");
  }
  if (trailer.frontier->first != summary->from - 1) {
    return Status::Corruption(at_trailer + ": the frontier is of size " + std::to_string(trailer.frontier->first) +
                              " but the first event is at position " + std::to_string(summary->from));
  }
  summary->frontier = trailer.frontier->second;

  Result<Checkpoint> checkpoint = options.verifier_key ? VerifyCheckpoint(*trailer.checkpoint_note, *options.verifier_key)
                                                       : ParseUnverifiedCheckpoint(*trailer.checkpoint_note);
  if (!checkpoint.ok()) return Status::Corruption(at_trailer + ": checkpoint: " + checkpoint.status().message());
  summary->checkpoint = *checkpoint;
  summary->signature_checked = options.verifier_key.has_value();
  if (checkpoint->size != summary->to) {
    return Status::Corruption(at_trailer + ": the checkpoint is of size " + std::to_string(checkpoint->size) +
                              " but the last event is at position " + std::to_string(summary->to));
  }

  // Recompute the root at `to`, noting it at each trusted size on the way.
  Result<merkle::CompactRange> tree =
      merkle::CompactRange::Load(summary->from - 1, FrontierReader(summary->from - 1, summary->frontier));
  if (!tree.ok() || summary->frontier.size() != static_cast<size_t>(std::popcount(summary->from - 1))) {
    return Status::Corruption(at_trailer + ": the frontier does not have one hash per peak");
  }
  std::map<uint64_t, Hash256> roots;
  auto note_root = [&] {
    for (const Checkpoint& t : options.trusted) {
      if (t.size == tree->size()) roots[t.size] = tree->Root();
    }
  };
  note_root();
  for (const Hash256& leaf : leaves) {
    tree->Append(leaf);
    note_root();
  }
  if (tree->Root() != checkpoint->root) {
    return Status::Corruption(at_trailer + ": the root recomputed from the lines (" + HexEncode(tree->Root()) +
                              ") is not the checkpoint's (" + HexEncode(checkpoint->root) + ")");
  }
  for (const Checkpoint& t : options.trusted) {
    const std::string which = "trusted checkpoint of size " + std::to_string(t.size);
    if (t.size > summary->to) return Status::Corruption(which + ": beyond the export (it ends at " + std::to_string(summary->to) + ")");
    if (auto it = roots.find(t.size); it != roots.end()) {
      if (it->second != t.root) return Status::Corruption(which + ": the export's log has another root there (history rewritten)");
    } else {
      if (!trailer.consistency || trailer.consistency->from_size != t.size) {
        return Status::InvalidArgument(which + ": the export has no consistency proof from that size (export with --consistency-from " +
                                       std::to_string(t.size) + ")");
      }
      if (Status s = CheckConsistency(*trailer.consistency, t, *checkpoint); !s.ok()) {
        return Status::Corruption(which + ": " + s.message());
      }
    }
    ++summary->trusted_checked;
  }
  return Status::OK();
}

std::function<Result<bool>(Envelope*)> EnvelopeLineReader(std::istream& in) {
  return [&in, line = uint64_t{0}](Envelope* e) mutable -> Result<bool> {
    std::string text;
    if (!std::getline(in, text)) return false;
    ++line;
    Trailer ignored;
    Result<bool> is_trailer = ParseTrailerLine(text, &ignored);
    if (is_trailer.ok() && *is_trailer) return false;
    Result<Envelope> parsed = EnvelopeFromJson(text);
    if (!parsed.ok()) return LineError(line, parsed.status().message());
    *e = std::move(parsed).value();
    return true;
  };
}

}  // namespace redledger::cli
