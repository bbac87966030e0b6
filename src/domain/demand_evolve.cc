// EvolveDemand: folds a demand stream's events (grammar in events.cc).
#include <cctype>

#include "domain/events.h"
#include "redledger/demand.h"

namespace redledger {

using namespace domain_internal;

namespace {
constexpr std::string_view kStatusNames[] = {"none", "raised", "accepted", "assigned", "resolved", "closed", "declined"};
}

const char* DemandStatusName(DemandStatus s) { return kStatusNames[static_cast<size_t>(s)].data(); }

bool IsOpen(DemandStatus s) {
  return s == DemandStatus::kRaised || s == DemandStatus::kAccepted || s == DemandStatus::kAssigned;
}

std::optional<Micros> DemandState::DueInForce() const {
  if (status == DemandStatus::kRaised) return response_due_at;
  if (status == DemandStatus::kAccepted || status == DemandStatus::kAssigned) return resolve_due_at;
  return std::nullopt;
}

bool DemandState::Overdue() const {
  auto due = DueInForce();
  return due && overdue_marked_for && *due == *overdue_marked_for;
}

std::optional<std::string> NormalizePhone(std::string_view phone) {
  std::string digits;
  for (size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && i == 0) {
      digits += "00";  // +86 and 0086 are the same prefix
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  if (digits.rfind("0086", 0) == 0) digits.erase(0, 4);
  if (digits.size() < 5 || digits.size() > 20) return std::nullopt;
  return digits;
}

Result<DemandState> EvolveDemand(DemandState s, const Envelope& e) {
  if (e.version != s.version + 1) {
    return Status::Corruption(e.stream + ": version " + std::to_string(e.version) + " follows " +
                              std::to_string(s.version));
  }
  auto parsed = DataReader::Parse(e);
  if (!parsed.ok()) return parsed.status();
  DataReader& d = *parsed;
  const std::string& t = e.type;
  if (t == ev::kRaised) {
    s.id = d.Str("demand_id");
    s.status = DemandStatus::kRaised;
    s.site_id = d.Str("site_id");
    s.category = d.Str("category");
    s.title = d.Str("title");
    s.description = d.Str("description");
    s.urgency = d.Str("urgency");
    s.channel = d.Str("channel");
    const json::object& loc = d.Obj("location");
    const json::object& rep = d.Obj("reporter");
    auto str = [](const json::object& o, std::string_view k) -> std::optional<std::string> {
      const json::value* v = o.if_contains(k);
      if (!v || !v->is_string()) return std::nullopt;
      return std::string(v->as_string());
    };
    auto compound = str(loc, "compound_id");
    auto building = str(loc, "building");
    auto subject = str(rep, "subject_id");
    if (!compound || !building || !subject) return Status::Corruption(t + ": malformed location or reporter");
    s.compound_id = *compound;
    s.building = *building;
    s.grid_id = str(loc, "grid_id");
    s.reporter_subject_id = *subject;
    s.raised_by = d.Str("raised_by");
    s.raised_at = e.recorded_at;
    s.response_due_at = d.Time("response_due_at");
    REDLEDGER_RETURN_IF_ERROR(ReadAttachments(d.Arr("attachments"), &s.attachments));
  } else if (t == ev::kAccepted) {
    s.status = DemandStatus::kAccepted;
    s.accepted_at = e.recorded_at;
    s.resolve_due_at = d.Time("resolve_due_at");
  } else if (t == ev::kDeclined) {
    s.status = DemandStatus::kDeclined;
  } else if (t == ev::kAssigned) {
    s.status = DemandStatus::kAssigned;
    s.assigned_unit = d.Str("unit_id");
    s.resolve_due_at = d.Time("resolve_due_at");
  } else if (t == ev::kReturned) {
    s.status = DemandStatus::kAccepted;
    s.assigned_unit.reset();
    ++s.return_count;
  } else if (t == ev::kPublicized) {
    s.publicized = true;
  } else if (t == ev::kProgressReported) {
    REDLEDGER_RETURN_IF_ERROR(ReadAttachments(d.Arr("attachments"), &s.attachments));
  } else if (t == ev::kSupervised) {
    if (d.Bool("extended")) s.resolve_due_at = d.Time("resolve_due_at");
    s.extensions = d.Int("extensions");
  } else if (t == ev::kResolved) {
    s.status = DemandStatus::kResolved;
    s.resolved_at = e.recorded_at;
    s.evaluation_due_at = d.Time("evaluation_due_at");
    REDLEDGER_RETURN_IF_ERROR(ReadAttachments(d.Arr("attachments"), &s.attachments));
  } else if (t == ev::kEvaluated) {
    s.evaluation = Evaluation{d.Str("rating"), d.OptInt("score"), d.OptStr("comment"), e.recorded_at};
  } else if (t == ev::kReopened) {
    s.status = DemandStatus::kAssigned;
    s.assigned_unit = d.Str("unit_id");
    s.resolve_due_at = d.Time("resolve_due_at");
    s.reopen_count = d.Int("reopen_count");
    s.evaluation_due_at.reset();
  } else if (t == ev::kClosed) {
    s.status = DemandStatus::kClosed;
    s.closed_at = e.recorded_at;
    s.close_reason = d.Str("reason");
    s.duplicate_of = d.OptStr("duplicate_of");
    s.evaluation_due_at.reset();
  } else if (t == ev::kReporterLinked) {
    s.linked_reporters.push_back(d.Str("subject_id"));
  } else if (t == ev::kOverdue) {
    s.overdue_marked_for = d.Time("due_at");
  } else {
    return Status::Corruption(e.stream + ": unknown demand event type " + t);
  }
  REDLEDGER_RETURN_IF_ERROR(d.status());
  s.version = e.version;
  return s;
}

Result<DemandState> FoldDemand(const std::vector<Envelope>& events) {
  DemandState s;
  for (const Envelope& e : events) {
    auto next = EvolveDemand(std::move(s), e);
    if (!next.ok()) return next.status();
    s = std::move(*next);
  }
  return s;
}

}  // namespace redledger
