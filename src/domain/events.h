// Internal: the event type names and shared pieces of event data. The
// grammar of every event's data is at the top of events.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/json_util.h"
#include "redledger/demand.h"

namespace redledger::domain_internal {

namespace ev {
inline constexpr char kRaised[] = "demand.raised";
inline constexpr char kAccepted[] = "demand.accepted";
inline constexpr char kDeclined[] = "demand.declined";
inline constexpr char kAssigned[] = "demand.assigned";
inline constexpr char kReturned[] = "demand.returned";
inline constexpr char kPublicized[] = "demand.publicized";
inline constexpr char kProgressReported[] = "demand.progress_reported";
inline constexpr char kSupervised[] = "demand.supervised";
inline constexpr char kResolved[] = "demand.resolved";
inline constexpr char kEvaluated[] = "demand.evaluated";
inline constexpr char kReopened[] = "demand.reopened";
inline constexpr char kClosed[] = "demand.closed";
inline constexpr char kReporterLinked[] = "demand.reporter_linked";
inline constexpr char kOverdue[] = "demand.overdue";
inline constexpr char kSiteRegistered[] = "site.registered";
inline constexpr char kSiteUpdated[] = "site.updated";
inline constexpr char kCompoundRegistered[] = "compound.registered";
inline constexpr char kGridRegistered[] = "grid.registered";
inline constexpr char kUnitRegistered[] = "unit.registered";
inline constexpr char kUnitPaired[] = "unit.paired";
inline constexpr char kActivityRecorded[] = "site.activity_recorded";
inline constexpr char kPolicySet[] = "policy.set";
inline constexpr char kPrincipalRegistered[] = "principal.registered";
inline constexpr char kPrincipalRevoked[] = "principal.revoked";
}  // namespace ev

// [{"sha256":…,"url":…},…]
std::string AttachmentsJson(const std::vector<Attachment>& items);
// Reads what AttachmentsJson wrote; Corruption otherwise.
Status ReadAttachments(const json::array& a, std::vector<Attachment>* out);
// Parses request attachments [{url, sha256}] (shape errors only).
std::vector<Attachment> ParseAttachmentsBody(BodyReader& r, std::string_view key);

DomainEvent MakeEvent(std::string stream, std::string type, std::string data);

}  // namespace redledger::domain_internal
