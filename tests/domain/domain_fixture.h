// A small world for domain tests: two sites with compounds and grids, two
// units, one principal per role (plus out-of-scope ones), all registered
// through the real Decide functions and folded from their events; and a
// FakeLog that turns decided events into envelopes as a store would.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "redledger/access.h"
#include "redledger/codec.h"
#include "redledger/demand.h"
#include "redledger/policy.h"
#include "redledger/registry.h"

namespace redledger::testing {

// 2026-03-02T00:00:00Z.
inline constexpr Micros kT0 = 1772409600LL * kMicrosPerSecond;

// Appends the envelope's JSON to the file named by REDLEDGER_EVENT_SAMPLES
// (one per line), for the schema test to validate; does nothing when unset.
void WriteSample(const Envelope& e);

// Assigns positions and per-stream versions as a store would, computes the
// leaf hash, and writes every envelope as a sample. Personal plaintext is
// replaced by stand-in bytes (these tests never decrypt).
class FakeLog {
 public:
  std::vector<Envelope> Append(const std::vector<DomainEvent>& events, const Actor& actor, Micros now);
  uint64_t head() const { return position_; }

 private:
  uint64_t position_ = 0;
  std::map<std::string, uint64_t> versions_;
};

struct World {
  World();
  // Folds `events` into registry, principals and policies.
  void Apply(const std::vector<Envelope>& events);
  DecideContext Context(const DemandState* duplicate_target = nullptr) const;

  Registry registry;
  Principals principals;
  PolicyBook policies;
  FakeLog log;
  // s1: compound c1, grids g1 (grid_leader) and g2 (grid_leader_other); s2: compound c2, grid g3.
  // u1 (handler), u2 (handler_other).
  Principal admin, resident, resident_other, grid_leader, grid_leader_other, handler, handler_other, community,
      community_other, supervisor, inspector;
  std::string s1, s2, c1, c2, g1, g2, g3, u1, u2;
};

// A valid raise body at s1/c1/g1.
std::string RaiseBody(const World& w, std::string_view urgency = "routine");

}  // namespace redledger::testing
