// The demo's timeline: one queue of everything that happens after setup, in
// time order — each day's new demands, the demands' planned steps, each
// month's site activities, the policy change, each month's notice — with a
// scheduler pass every 10 minutes of simulated time in between, the clock
// moved to each item's time before it runs.
//
// Thread safety: not synchronised; one seeding thread.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "demo/city.h"
#include "demo/commander.h"
#include "demo/lifecycle.h"
#include "redledger/demo.h"

namespace redledger::demo {

// The month `k` months after `m`.
CivilMonth AddMonths(CivilMonth m, int k);

class Seeder {
 public:
  // REQUIRES: city registered; all outlive the Seeder.
  Seeder(const City* city, Commander* cmd, const DemoOptions& options);

  // Runs from the start of the first month to end().
  Status Run();
  // The 3rd of the month after the last, once its notice is published.
  Micros end() const { return end_; }
  const Lifecycle& lifecycle() const { return lifecycle_; }

 private:
  enum class Kind : uint8_t { kDay, kMonth, kRaise, kStep, kActivity, kNotice, kPolicy };
  struct Entry {
    Micros at;
    uint64_t seq;  // ties run in the order they were planned
    Kind kind;
    uint8_t arg;   // the stage of a kStep; the kind of a kActivity
    uint64_t ref;  // demand, day, month or site number
    Micros aux;    // an activity's held_at
    bool operator>(const Entry& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  void Push(Micros at, Kind kind, uint64_t ref, uint8_t arg = 0, Micros aux = 0);
  Status Execute(const Entry& e);
  Status RunSchedulerUntil(Micros t);
  void PlanDay(uint64_t day);
  void PlanMonth(int index);
  Status RecordActivity(const Entry& e);
  Status ChangePolicy();

  const City* city_;
  Commander* cmd_;
  DemoOptions options_;
  Lifecycle lifecycle_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
  uint64_t seq_ = 0;
  Micros first_day_ = 0, end_ = 0, next_tick_ = 0;
  uint64_t days_ = 0;
  int64_t total_weight_ = 0, weight_so_far_ = 0;  // day weights, for exact daily counts
  uint64_t next_demand_ = 0;
};

}  // namespace redledger::demo
