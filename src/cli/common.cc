#include "cli/common.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

namespace redledger::cli {

Result<Flags> Flags::Parse(const std::vector<std::string>& args, const std::vector<std::string>& valued,
                           const std::vector<std::string>& switches) {
  auto known = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  Flags f;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      f.positional_.push_back(arg);
      continue;
    }
    const std::string name = arg.substr(2);
    if (known(switches, name)) {
      f.values_[name].push_back("");
    } else if (known(valued, name)) {
      if (i + 1 >= args.size()) return Status::InvalidArgument(arg + " needs a value");
      f.values_[name].push_back(args[++i]);
    } else {
      return Status::InvalidArgument("unknown flag " + arg);
    }
  }
  return f;
}

std::optional<std::string> Flags::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Flags::All(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<std::string> Flags::Required(const std::string& name) const {
  std::optional<std::string> v = Get(name);
  if (!v || v->empty()) return Status::InvalidArgument("--" + name + " is required");
  return *v;
}

Result<uint64_t> Flags::Number(const std::string& name, std::optional<uint64_t> fallback) const {
  std::optional<std::string> v = Get(name);
  if (!v) {
    if (fallback) return *fallback;
    return Status::InvalidArgument("--" + name + " is required");
  }
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size()) {
    return Status::InvalidArgument("--" + name + " wants a non-negative integer, got '" + *v + "'");
  }
  return n;
}

int Fail(Io io, const std::string& cmd, const std::string& message, int code) {
  io.err << "redledger " << cmd << ": " << message << "\n";
  return code;
}

std::string LogDir(const std::string& data_dir) { return data_dir + "/log"; }
std::string DefaultSigningKey(const std::string& data_dir) { return data_dir + "/keys/checkpoint.key"; }

Result<std::unique_ptr<EventStore>> OpenLogReadOnly(const std::string& data_dir) {
  if (!std::filesystem::exists(LogDir(data_dir))) return Status::NotFound("no log in " + data_dir);
  StoreOptions options;
  options.read_only = true;
  options.block_cache_bytes = 32u << 20;
  return OpenRocksEventStore(LogDir(data_dir), options);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<std::string> ReadVerifierKey(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::string key = *text;
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.front()))) key.erase(key.begin());
  if (key.empty()) return Status::InvalidArgument(path + " is empty");
  return key;
}

Result<Checkpoint> ReadCheckpointFile(const std::string& path, const std::string& verifier_key) {
  Result<std::string> note = ReadFile(path);
  if (!note.ok()) return note.status();
  Result<Checkpoint> c = VerifyCheckpoint(*note, verifier_key);
  if (c.ok()) return c;
  const std::string why = path + ": " + c.status().message();
  return c.status().code() == Status::Code::kCorruption ? Status::Corruption(why) : Status::InvalidArgument(why);
}

Result<std::vector<Hash256>> FrontierHashes(uint64_t size, const merkle::NodeReader& read) {
  std::vector<Hash256> out;
  uint64_t pos = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    Result<Hash256> h = read(static_cast<uint8_t>(level), pos >> level);
    if (!h.ok()) return h.status();
    out.push_back(*h);
    pos += width;
  }
  return out;
}

merkle::NodeReader FrontierReader(uint64_t size, const std::vector<Hash256>& hashes) {
  std::map<std::pair<uint8_t, uint64_t>, Hash256> nodes;
  uint64_t pos = 0;
  size_t i = 0;
  for (int level = 63; level >= 0 && i < hashes.size(); --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    nodes[{static_cast<uint8_t>(level), pos >> level}] = hashes[i++];
    pos += width;
  }
  return [nodes = std::move(nodes)](uint8_t level, uint64_t index) -> Result<Hash256> {
    auto it = nodes.find({level, index});
    if (it == nodes.end()) return Status::NotFound("no frontier node " + std::to_string(level) + "/" + std::to_string(index));
    return it->second;
  };
}

}  // namespace redledger::cli
