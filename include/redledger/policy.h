// The scoring and due-time policy (DESIGN §5), changed only by `policy.set`
// events in the `policy` stream, each effective from a calendar month on.
//
// Thread safety: plain values; PolicyBook is not synchronised.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/clock.h"
#include "redledger/domain.h"
#include "redledger/status.h"

namespace redledger {

enum class Urgency : uint8_t { kEmergency = 0, kUrgent = 1, kRoutine = 2 };
const char* UrgencyName(Urgency u);
std::optional<Urgency> ParseUrgency(std::string_view name);

// Rate names keyed in `weights`, in the order of DESIGN §5.
inline constexpr std::array<std::string_view, 7> kRateNames = {
    "response", "resolution", "on_time", "satisfaction", "return", "reopen", "publicity"};

struct Policy {
  CivilMonth effective_from{1970, 1};
  int utc_offset_minutes = 8 * 60;             // "+08:00"
  std::map<std::string, int64_t> weights;      // rate name -> integer percent; sums to 100
  int64_t basically_satisfied_factor = 900;    // per mille
  std::array<int64_t, 3> response_hours{2, 24, 72};    // by Urgency
  std::array<int64_t, 3> resolve_hours{24, 72, 360};   // by Urgency
  int64_t evaluation_window_days = 7;
  std::vector<std::string> categories;

  bool HasCategory(std::string_view c) const;
  Micros ResponseDue(Urgency u, Micros raised_at) const;
  Micros ResolveDue(Urgency u, Micros from) const;
  // The first instant at which this policy is in force.
  Micros StartsAt() const { return MonthStart(effective_from, utc_offset_minutes); }
  // The `policy.set` data form (also the timezone as "+08:00").
  std::string ToJson() const;
};

// DESIGN §5's default: weights response 10, resolution 50, satisfaction 40.
const Policy& DefaultPolicy();

// Every policy.set so far; the default policy before the first.
class PolicyBook {
 public:
  // The policy in force at instant `t`.
  const Policy& At(Micros t) const;
  // The policy used for a month's cohort (DESIGN §5: per period).
  const Policy& ForMonth(CivilMonth m) const;
  const std::vector<Policy>& all() const { return set_; }
  // Folds a `policy`-stream event; Corruption on malformed data.
  Status Apply(const Envelope& e);

 private:
  std::vector<Policy> set_;  // sorted by effective_from; a later set for the same month replaces
};

// POST /v1/policy body. Parsing checks only shapes (unknown fields and wrong
// types: InvalidArgument naming the field); DecideSetPolicy validates values.
struct SetPolicyCommand {
  std::optional<std::string> effective_from;  // "YYYY-MM"
  std::optional<std::string> timezone;        // "+08:00"
  std::optional<std::map<std::string, int64_t>> weights;
  std::optional<int64_t> basically_satisfied_factor;
  std::optional<std::map<std::string, int64_t>> response_hours;  // by urgency name
  std::optional<std::map<std::string, int64_t>> resolve_hours;
  std::optional<int64_t> evaluation_window_days;
  std::optional<std::vector<std::string>> categories;
};
Result<SetPolicyCommand> ParseSetPolicy(std::string_view json);

// admin only; effective_from must not be before the current month (the
// months already scored keep their policy). Absent fields take the values of
// the policy in force at `now`. One `policy.set` event.
Result<std::vector<DomainEvent>> DecideSetPolicy(const SetPolicyCommand& cmd, const Principal& actor, Micros now,
                                                 const PolicyBook& book);

}  // namespace redledger
