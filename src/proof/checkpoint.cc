// Checkpoint text (c2sp.org/tlog-checkpoint):
//
//   origin "\n" size "\n" base64(root) "\n" ("time " RFC 3339 "\n")
//
// Parsing accepts any further non-empty extension lines (other logs' notes)
// and ignores all but "time".
#include "redledger/checkpoint.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace redledger {
namespace {

constexpr std::string_view kTimePrefix = "time ";

Status Malformed(const std::string& why) { return Status::InvalidArgument("malformed checkpoint: " + why); }

Result<uint64_t> ParseSize(std::string_view s) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || (s.size() > 1 && s[0] == '0')) {
    return Malformed("tree size is not a decimal number without leading zeros");
  }
  return v;
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    if (eol == std::string_view::npos) return Malformed("text does not end in a newline");
    lines.push_back(text.substr(0, eol));
    text.remove_prefix(eol + 1);
  }
  if (lines.size() < 3) return Malformed("fewer than three lines");
  for (std::string_view line : lines) {
    if (line.empty()) return Malformed("empty line");
  }
  Checkpoint c;
  c.origin = std::string(lines[0]);
  Result<uint64_t> size = ParseSize(lines[1]);
  if (!size.ok()) return size.status();
  c.size = *size;
  Result<std::string> root = Base64Decode(lines[2]);
  if (!root.ok() || root->size() != c.root.size()) return Malformed("root is not the base64 of 32 bytes");
  std::copy(root->begin(), root->end(), c.root.begin());
  bool have_time = false;
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].substr(0, kTimePrefix.size()) != kTimePrefix) continue;
    if (have_time) return Malformed("two time lines");
    Result<Micros> t = ParseRfc3339(lines[i].substr(kTimePrefix.size()));
    if (!t.ok()) return Malformed("time line: " + t.status().message());
    c.time = *t;
    have_time = true;
  }
  return c;
}

}  // namespace

std::string CheckpointText(const Checkpoint& c) {
  std::string root(reinterpret_cast<const char*>(c.root.data()), c.root.size());
  return c.origin + "\n" + std::to_string(c.size) + "\n" + Base64Encode(root) + "\n" + std::string(kTimePrefix) +
         FormatRfc3339(c.time) + "\n";
}

Result<Checkpoint> VerifyCheckpoint(std::string_view note, std::string_view verifier_key) {
  Result<std::string> text = OpenSignedNote(note, verifier_key);
  if (!text.ok()) return text.status();
  Result<Checkpoint> c = ParseCheckpointText(*text);
  if (!c.ok()) return c.status();
  // The key is the log's: a checkpoint it signed names the log as origin.
  if (c->origin != verifier_key.substr(0, verifier_key.find('+'))) {
    return Status::InvalidArgument("checkpoint origin " + c->origin + " is not the key's name");
  }
  return c;
}

}  // namespace redledger
