// The demo's demands: each is raised, then walks one path of DESIGN §2's
// lifecycle, drawn from its own random stream when it is raised (declined,
// marked duplicate, accepted with or without a due-time override,
// publicised, assigned to the wrong unit and returned, reassigned, progress
// notes public and internal, urged and supervised with due extensions,
// resolved on time or late, evaluated satisfied / basically satisfied /
// dissatisfied (reopened and resolved again), closed manually, or left
// unevaluated for the scheduler to close).
//
// Streaming: only demands still in flight are held (a few hundred bytes
// each); every later step is handed to `schedule` with its time, and the
// caller runs it when its clock gets there. Steps planned past the end of
// the run are simply never run, leaving those demands open.
//
// Thread safety: not synchronised; one seeding thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "demo/city.h"
#include "demo/commander.h"
#include "demo/rng.h"

namespace redledger::demo {

enum class Stage : uint8_t {
  kRespond,        // community accepts or declines
  kMarkDuplicate,  // community closes it as a duplicate
  kUrge,           // supervisor urges a response
  kPublicize,
  kAssign,
  kReturn,         // the wrongly assigned unit hands it back
  kReassign,
  kProgress,
  kSupervise,      // supervisor urges, or extends the resolve due time
  kResolve,
  kEvaluate,
  kClose,
};

class Lifecycle {
 public:
  using Schedule = std::function<void(Micros at, uint64_t demand, Stage stage)>;
  // REQUIRES: city registered; all outlive the Lifecycle.
  Lifecycle(const City* city, Commander* cmd, uint64_t seed, Schedule schedule);

  // Raises demand number `index` at the clock's time.
  Status Raise(uint64_t index);
  // Runs a step planned earlier, at the clock's time.
  Status Step(uint64_t index, Stage stage);

  size_t in_flight() const { return active_.size(); }
  size_t peak_in_flight() const { return peak_; }
  // A demand at the first site that is publicised (for URLs to try).
  const std::string& sample_demand() const { return sample_; }

 private:
  enum class Outcome : uint8_t { kSatisfied, kBasically, kDissatisfied, kUnevaluated, kManualClose };
  enum class Supervision : uint8_t { kNone, kUrge, kExtend };
  struct Demand {
    std::string id, title, building, status;
    Rng rng;
    uint32_t site = 0, compound = 0, grid = 0;
    int32_t resident = -1;  // raised by this resident; else by the grid's leader
    uint8_t category = 0, text = 0;
    Urgency urgency = Urgency::kRoutine;
    // The path, drawn at raise.
    bool duplicate = false, decline = false, late_response = false, urge_response = false, publicize = false,
         publicize_after_assign = false, wrong_unit = false, direct_reassign = false, due_override = false,
         late_resolve = false;
    Supervision supervision = Supervision::kNone;
    int progress_notes = 0;
    Outcome outcome = Outcome::kSatisfied, second_outcome = Outcome::kSatisfied;
    size_t right_unit = 0, first_unit = 0;
    uint64_t survivor = 0;
    // Where it is.
    bool publicized = false, assigned = false, reopened = false;
    Micros resolve_at = 0;
  };

  void Plan(Demand* d);
  void PlanResponse(uint64_t index, Demand* d);
  size_t RightUnit(Demand* d);
  size_t WrongUnit(Demand* d);
  Status Respond(uint64_t index, Demand* d);
  Status Assign(uint64_t index, Demand* d, size_t unit, std::string note);
  Status AfterAssignment(uint64_t index, Demand* d);
  Status StartWork(uint64_t index, Demand* d);
  Status Resolve(uint64_t index, Demand* d);
  Status Evaluate(uint64_t index, Demand* d);
  Result<CommandResult> Run(Demand* d, const Principal& actor, std::string_view command, const std::string& body);
  const Principal& Handler(size_t unit) const { return city_->units[unit].handler; }
  const Principal& Community(const Demand& d) const { return city_->sites[d.site].community_principal; }
  std::string Attachments(const Demand& d, std::string_view what);
  void Finish(uint64_t index) { active_.erase(index); }

  const City* city_;
  Commander* cmd_;
  uint64_t seed_;
  Schedule schedule_;
  std::vector<int> site_weights_;
  std::unordered_map<uint64_t, Demand> active_;    // demands in flight, by index
  std::deque<uint64_t> recent_;                    // the last few raised, for duplicates
  size_t peak_ = 0;
  std::string sample_;
};

}  // namespace redledger::demo
