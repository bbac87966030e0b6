#include "redledger/scheduler.h"

#include "domain/events.h"

namespace redledger {

using namespace domain_internal;

namespace {
// The UUIDv5 namespace of scheduled events (fixed forever).
constexpr std::string_view kSchedulerNamespace = "0b3c6a52-8f0e-4d7a-a1c4-5e9d2f6b7a10";

std::optional<Micros> PendingOverdue(const DemandState& s) {
  auto due = s.DueInForce();
  if (!due || (s.overdue_marked_for && *s.overdue_marked_for == *due)) return std::nullopt;
  return due;
}
}  // namespace

std::vector<DomainEvent> ScheduledEvents(const DemandState& s, Micros now) {
  std::vector<DomainEvent> out;
  if (s.version == 0) return out;
  if (auto due = PendingOverdue(s); due && now > *due) {
    const char* kind = s.status == DemandStatus::kRaised ? "response" : "resolve";
    out.push_back(MakeEvent(DemandStream(s.id), ev::kOverdue, ObjectWriter().Str("kind", kind).Time("due_at", *due).Done()));
  }
  if (s.status == DemandStatus::kResolved && s.evaluation_due_at && now >= *s.evaluation_due_at) {
    out.push_back(MakeEvent(
        DemandStream(s.id), ev::kClosed,
        ObjectWriter().Str("reason", "evaluation_window_elapsed").Null("note").Null("duplicate_of").Done()));
  }
  return out;
}

std::optional<Micros> NextWakeup(const DemandState& s) {
  if (s.version == 0) return std::nullopt;
  if (auto due = PendingOverdue(s)) return *due + 1;  // strictly past the due time
  if (s.status == DemandStatus::kResolved && s.evaluation_due_at) return *s.evaluation_due_at;
  return std::nullopt;
}

std::string ScheduledEventId(const DemandState& s, const DomainEvent& e) {
  // A demand's version pins the state decided from; two passes deciding from
  // the same state name the event identically.
  return UuidV5(kSchedulerNamespace, e.stream + "|" + std::to_string(s.version) + "|" + e.type + "|" + e.data);
}

}  // namespace redledger
