// Proof JSON (DESIGN §2) and checking proofs against verified checkpoints.
#include <boost/json.hpp>

#include "redledger/checkpoint.h"
#include "redledger/merkle.h"

namespace redledger {
namespace {

std::string HashArray(const std::vector<Hash256>& hashes) {
  std::string out = "[";
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    out.append(HexEncode(hashes[i]));
    out.push_back('"');
  }
  return out + "]";
}

Result<boost::json::object> ParseObject(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec) return Status::InvalidJson("proof is not JSON: " + ec.message());
  if (!v.is_object()) return Status::InvalidArgument("proof must be a JSON object");
  return std::move(v.as_object());
}

Result<uint64_t> GetSize(const boost::json::object& o, const char* field) {
  const boost::json::value* v = o.if_contains(field);
  if (v != nullptr && v->is_uint64()) return v->get_uint64();
  if (v != nullptr && v->is_int64() && v->get_int64() >= 0) return static_cast<uint64_t>(v->get_int64());
  return Status::InvalidArgument(std::string(field) + " must be a non-negative integer", field);
}

Result<std::vector<Hash256>> GetHashes(const boost::json::object& o) {
  const boost::json::value* v = o.if_contains("hashes");
  if (v == nullptr || !v->is_array()) return Status::InvalidArgument("hashes must be an array", "hashes");
  std::vector<Hash256> out;
  for (size_t i = 0; i < v->as_array().size(); ++i) {
    const boost::json::value& h = v->as_array()[i];
    const std::string field = "hashes[" + std::to_string(i) + "]";
    if (!h.is_string()) return Status::InvalidArgument(field + " must be a hex string", field);
    Result<Hash256> hash = ParseHash256(std::string_view(h.as_string().data(), h.as_string().size()));
    if (!hash.ok()) return Status::InvalidArgument(field + " is not a 32-byte hex hash", field);
    out.push_back(*hash);
  }
  return out;
}

}  // namespace

std::string ProofJson(const InclusionProofData& p) {
  return "{\"hashes\":" + HashArray(p.hashes) + ",\"leaf_index\":" + std::to_string(p.leaf_index) +
         ",\"tree_size\":" + std::to_string(p.tree_size) + "}";
}

std::string ProofJson(const ConsistencyProofData& p) {
  return "{\"from_size\":" + std::to_string(p.from_size) + ",\"hashes\":" + HashArray(p.hashes) +
         ",\"to_size\":" + std::to_string(p.to_size) + "}";
}

Result<InclusionProofData> ParseInclusionProofJson(std::string_view json) {
  Result<boost::json::object> o = ParseObject(json);
  if (!o.ok()) return o.status();
  InclusionProofData p;
  Result<uint64_t> index = GetSize(*o, "leaf_index");
  if (!index.ok()) return index.status();
  Result<uint64_t> size = GetSize(*o, "tree_size");
  if (!size.ok()) return size.status();
  Result<std::vector<Hash256>> hashes = GetHashes(*o);
  if (!hashes.ok()) return hashes.status();
  return InclusionProofData{*index, *size, std::move(hashes).value()};
}

Result<ConsistencyProofData> ParseConsistencyProofJson(std::string_view json) {
  Result<boost::json::object> o = ParseObject(json);
  if (!o.ok()) return o.status();
  Result<uint64_t> from = GetSize(*o, "from_size");
  if (!from.ok()) return from.status();
  Result<uint64_t> to = GetSize(*o, "to_size");
  if (!to.ok()) return to.status();
  Result<std::vector<Hash256>> hashes = GetHashes(*o);
  if (!hashes.ok()) return hashes.status();
  return ConsistencyProofData{*from, *to, std::move(hashes).value()};
}

Status CheckInclusion(const InclusionProofData& p, const Hash256& leaf_hash, const Checkpoint& c) {
  if (p.tree_size != c.size) {
    return Status::Corruption("inclusion proof is for tree size " + std::to_string(p.tree_size) +
                              ", the checkpoint's is " + std::to_string(c.size));
  }
  return merkle::VerifyInclusion(p.leaf_index, p.tree_size, leaf_hash, p.hashes, c.root);
}

Status CheckConsistency(const ConsistencyProofData& p, const Checkpoint& older, const Checkpoint& newer) {
  if (p.from_size != older.size || p.to_size != newer.size) {
    return Status::Corruption("consistency proof is from size " + std::to_string(p.from_size) + " to " +
                              std::to_string(p.to_size) + ", the checkpoints are of sizes " +
                              std::to_string(older.size) + " and " + std::to_string(newer.size));
  }
  return merkle::VerifyConsistency(p.from_size, p.to_size, older.root, newer.root, p.hashes);
}

}  // namespace redledger
