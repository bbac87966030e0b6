// Test support: builds a log of envelopes (positions and times in order)
// with the event data ScoreBook reads, and folds it as it goes.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "redledger/clock.h"
#include "redledger/codec.h"
#include "redledger/scoring.h"

namespace redledger::testing {

inline Micros T(std::string_view rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : 0;
}

inline std::string Q(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

// Appends "<schema>\t<json>" to $REDLEDGER_SCORE_SAMPLES when set, for
// validate_score_docs.py to check against schemas/<schema>.
inline void WriteSample(std::string_view schema, std::string_view json) {
  const char* path = std::getenv("REDLEDGER_SCORE_SAMPLES");
  if (path == nullptr) return;
  std::ofstream(path, std::ios::app) << schema << '\t' << json << '\n';
}

class ScoreLog {
 public:
  // Appends one event at time `at` (REQUIRES: not before the previous one).
  uint64_t Add(std::string stream, std::string type, std::string data, Micros at) {
    Envelope e;
    e.position = events_.size() + 1;
    e.stream = std::move(stream);
    e.type = std::move(type);
    e.data = std::move(data);
    e.recorded_at = at;
    events_.push_back(e);
    Status s = book_.Apply(e);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return e.position;
  }

  void Site(const std::string& id, const std::string& district, const std::string& street, Micros at) {
    Add("site-" + id, "site.registered",
        "{\"community\":\"c\",\"construction_mode\":\"joint\",\"district\":" + Q(district) + ",\"name\":" +
            Q("Site " + id) + ",\"site_id\":" + Q(id) + ",\"street\":" + Q(street) + "}",
        at);
  }
  void Raise(const std::string& d, const std::string& site, Micros at, Micros response_due) {
    Add("demand-" + d, "demand.raised",
        "{\"demand_id\":" + Q(d) + ",\"site_id\":" + Q(site) + ",\"response_due_at\":" +
            Q(FormatRfc3339(response_due)) + "}",
        at);
  }
  void Accept(const std::string& d, Micros at, Micros resolve_due) {
    Add("demand-" + d, "demand.accepted", "{\"note\":null,\"resolve_due_at\":" + Q(FormatRfc3339(resolve_due)) + "}",
        at);
  }
  void Decline(const std::string& d, Micros at) { Add("demand-" + d, "demand.declined", "{\"reason\":\"r\"}", at); }
  void Assign(const std::string& d, Micros at, Micros resolve_due) {
    Add("demand-" + d, "demand.assigned",
        "{\"unit_id\":\"u1\",\"resolve_due_at\":" + Q(FormatRfc3339(resolve_due)) + "}", at);
  }
  void Return(const std::string& d, Micros at) {
    Add("demand-" + d, "demand.returned", "{\"reason\":\"r\",\"unit_id\":\"u1\"}", at);
  }
  void Publicize(const std::string& d, Micros at) {
    Add("demand-" + d, "demand.publicized", "{\"days\":7,\"notice\":\"n\"}", at);
  }
  void Supervise(const std::string& d, Micros at, std::optional<Micros> extended_to) {
    Add("demand-" + d, "demand.supervised",
        std::string("{\"extended\":") + (extended_to ? "true" : "false") + ",\"resolve_due_at\":" +
            (extended_to ? Q(FormatRfc3339(*extended_to)) : "null") + "}",
        at);
  }
  void Resolve(const std::string& d, Micros at) {
    Add("demand-" + d, "demand.resolved", "{\"summary\":\"s\",\"unit_id\":\"u1\"}", at);
  }
  void Evaluate(const std::string& d, const std::string& rating, Micros at) {
    Add("demand-" + d, "demand.evaluated", "{\"rating\":" + Q(rating) + ",\"score\":null}", at);
  }
  void Reopen(const std::string& d, Micros at, Micros resolve_due) {
    Add("demand-" + d, "demand.reopened",
        "{\"reopen_count\":1,\"resolve_due_at\":" + Q(FormatRfc3339(resolve_due)) + ",\"unit_id\":\"u1\"}", at);
  }
  void Close(const std::string& d, const std::string& reason, Micros at) {
    Add("demand-" + d, "demand.closed", "{\"duplicate_of\":null,\"note\":null,\"reason\":" + Q(reason) + "}", at);
  }
  void Activity(const std::string& site, Micros held_at, Micros at) {
    Add("site-" + site, "site.activity_recorded",
        "{\"activity_id\":\"a\",\"held_at\":" + Q(FormatRfc3339(held_at)) + ",\"kind\":\"joint_meeting\",\"note\":null,"
        "\"site_id\":" + Q(site) + "}",
        at);
  }
  // weights: JSON object text of the seven integer percents.
  void SetPolicy(const std::string& from, const std::string& tz, const std::string& weights, int64_t factor,
                 Micros at) {
    Add("policy", "policy.set",
        "{\"basically_satisfied_factor\":" + std::to_string(factor) +
            ",\"categories\":[\"heating\",\"other\"],\"effective_from\":" + Q(from) +
            ",\"evaluation_window_days\":7,\"resolve_hours\":{\"emergency\":24,\"routine\":360,\"urgent\":72},"
            "\"response_hours\":{\"emergency\":2,\"routine\":72,\"urgent\":24},\"timezone\":" +
            Q(tz) + ",\"weights\":" + weights + "}",
        at);
  }
  void Publish(const std::string& period, uint64_t cutoff, Micros at) {
    Add("notices", "notice.published", "{\"cutoff_position\":" + std::to_string(cutoff) + ",\"period\":" + Q(period) + "}",
        at);
  }

  const ScoreBook& book() const { return book_; }
  const std::vector<Envelope>& events() const { return events_; }
  uint64_t head() const { return events_.size(); }

 private:
  std::vector<Envelope> events_;
  ScoreBook book_;
};

}  // namespace redledger::testing
