// Event data, per type: the fields of each event's `data` object (all keys
// always present; `|null` marks a nullable value). Times are RFC 3339 UTC
// strings with six fraction digits and 'Z' ("2022-07-21T08:00:00.000000Z");
// integers are JSON integers; no floating point anywhere. schemas/ holds the
// same as JSON Schema. Every event has schema 1.
//
// stream demand-<demand_id>
//   demand.raised            {demand_id, site_id, category, title, description,
//                             urgency: emergency|urgent|routine,
//                             channel: hotline|grid_visit|app|red_station|walk_in,
//                             location: {compound_id, building, grid_id|null},
//                             reporter: {subject_id}, raised_by: principal id,
//                             attachments: [{url, sha256}], response_due_at}
//                            personal (sealed under reporter.subject_id):
//                             {"name": string, "phone": string}
//   demand.accepted          {note|null, resolve_due_at}
//   demand.declined          {reason}
//   demand.assigned          {unit_id, previous_unit_id|null, note|null, resolve_due_at}
//   demand.returned          {unit_id, reason}                 unit_id: the unit returning it
//   demand.publicized        {notice, days: 1..365, until}
//   demand.progress_reported {unit_id, note, visibility: public|internal, attachments}
//   demand.supervised        {note, extended: bool, resolve_due_at|null, extensions}
//                             resolve_due_at: the new due time when extended;
//                             extensions: the count after this event
//   demand.resolved          {unit_id, summary, attachments, resolve_due_at|null,
//                             on_time: bool, evaluation_due_at}
//   demand.evaluated         {rating: satisfied|basically_satisfied|dissatisfied,
//                             score: 1..5|null, comment|null}
//   demand.reopened          {unit_id, resolve_due_at, reopen_count}
//   demand.closed            {reason: evaluated|manual|duplicate|evaluation_window_elapsed,
//                             note|null, duplicate_of|null}
//   demand.reporter_linked   {duplicate_id, subject_id}        on the survivor's stream
//   demand.overdue           {kind: response|resolve, due_at}
//
// stream site-<site_id>
//   site.registered          {site_id, name, district, street, community,
//                             construction_mode: separate|joint|stationed}
//   site.updated             {site_id} plus only the changed fields among
//                             name, district, street, community, construction_mode
//   compound.registered      {compound_id, site_id, name}
//   grid.registered          {grid_id, site_id, name, leader|null}
//   site.activity_recorded   {activity_id, site_id, kind: joint_meeting|theme_party_day,
//                             held_at, note|null}
// stream unit-<unit_id>
//   unit.registered          {unit_id, name, kind: property_branch|owner_committee|
//                             functional_branch|co_building_unit|municipal_unit|district_unit}
//   unit.paired              {unit_id, site_id}
// stream policy
//   policy.set               {effective_from: "YYYY-MM", timezone: "+08:00",
//                             weights: {response, resolution, on_time, satisfaction,
//                                       return, reopen, publicity}  (integer percents, sum 100),
//                             basically_satisfied_factor: per mille 0..1000,
//                             response_hours: {emergency, urgent, routine},
//                             resolve_hours: {emergency, urgent, routine},
//                             evaluation_window_days, categories: [string]}
// stream access
//   principal.registered     {principal_id, name, role, sites: "*"|[site_id],
//                             unit_id|null, grid_ids: [grid_id]}
//   principal.revoked        {principal_id}
//
// Envelope actor: the principal {id, role, unit: unit_id for handlers else
// null}; the scheduler's demand.overdue and demand.closed carry
// {"id":"scheduler","role":"system","unit":null}.
#include "domain/events.h"

namespace redledger::domain_internal {

std::string AttachmentsJson(const std::vector<Attachment>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += ObjectWriter().Str("sha256", items[i].sha256).Str("url", items[i].url).Done();
  }
  out += ']';
  return out;
}

Status ReadAttachments(const json::array& a, std::vector<Attachment>* out) {
  for (const auto& v : a) {
    const json::object* o = v.if_object();
    const json::value* url = o ? o->if_contains("url") : nullptr;
    const json::value* sha = o ? o->if_contains("sha256") : nullptr;
    if (!url || !sha || !url->is_string() || !sha->is_string()) return Status::Corruption("malformed attachment");
    out->push_back(Attachment{std::string(url->as_string()), std::string(sha->as_string())});
  }
  return Status::OK();
}

std::vector<Attachment> ParseAttachmentsBody(BodyReader& r, std::string_view key) {
  std::vector<Attachment> out;
  const json::array* a = r.Arr(key);
  if (!a) return out;
  for (size_t i = 0; i < a->size(); ++i) {
    std::string path = std::string(key) + "[" + std::to_string(i) + "]";
    const json::object* o = (*a)[i].if_object();
    if (!o) {
      r.Fail(Status::InvalidArgument(r.Path(path) + " must be an object", r.Path(path)));
      return out;
    }
    BodyReader item(*o, r.Path(path));
    item.AllowOnly({"url", "sha256"});
    Attachment att{item.Str("url").value_or(""), item.Str("sha256").value_or("")};
    if (!item.status().ok()) {
      r.Fail(item.status());
      return out;
    }
    out.push_back(std::move(att));
  }
  return out;
}

DomainEvent MakeEvent(std::string stream, std::string type, std::string data) {
  return DomainEvent{std::move(stream), std::move(type), std::move(data), {}, {}};
}

}  // namespace redledger::domain_internal
