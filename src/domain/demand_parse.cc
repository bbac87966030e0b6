// Request bodies of the demand commands (DESIGN §4) -> DemandCommand. Only
// shapes are checked here; values are Decide's, after the 404 and 403 checks.
#include <algorithm>

#include "domain/events.h"
#include "domain/json_util.h"
#include "redledger/demand.h"

namespace redledger {

using namespace domain_internal;

namespace {

Result<DemandCommand> Done(BodyReader& r, DemandCommand cmd) {
  if (!r.status().ok()) return r.status();
  return cmd;
}

Result<DemandCommand> ParseRaise(BodyReader& r) {
  r.AllowOnly({"site_id", "category", "title", "description", "urgency", "channel", "location", "reporter",
               "attachments"});
  RaiseDemand c;
  c.site_id = r.Str("site_id");
  c.category = r.Str("category");
  c.title = r.Str("title");
  c.description = r.Str("description");
  c.urgency = r.Str("urgency");
  c.channel = r.Str("channel");
  if (const json::object* loc = r.Obj("location")) {
    c.has_location = true;
    BodyReader l(*loc, "location");
    l.AllowOnly({"compound_id", "building", "grid_id"});
    c.compound_id = l.Str("compound_id");
    c.building = l.Str("building");
    c.grid_id = l.Str("grid_id");
    r.Fail(l.status());
  }
  if (const json::object* rep = r.Obj("reporter")) {
    c.has_reporter = true;
    BodyReader p(*rep, "reporter");
    p.AllowOnly({"name", "phone"});
    c.reporter_name = p.Str("name");
    c.reporter_phone = p.Str("phone");
    r.Fail(p.status());
  }
  c.attachments = ParseAttachmentsBody(r, "attachments");
  return Done(r, std::move(c));
}

}  // namespace

const char* DemandCommandName(const DemandCommand& c) { return kDemandCommandNames[c.index()].data(); }

Result<DemandCommand> ParseDemandCommand(std::string_view name, std::string_view json) {
  auto it = std::find(std::begin(kDemandCommandNames), std::end(kDemandCommandNames), name);
  if (it == std::end(kDemandCommandNames)) return Status::NotFound("unknown demand command: " + std::string(name));
  auto body = ParseBody(json);
  if (!body.ok()) return body.status();
  BodyReader r(*body, "");
  if (name == "raise") return ParseRaise(r);
  if (name == "accept") {
    r.AllowOnly({"note", "due_at"});
    return Done(r, AcceptDemand{r.Str("note"), r.Str("due_at")});
  }
  if (name == "decline") {
    r.AllowOnly({"reason"});
    return Done(r, DeclineDemand{r.Str("reason")});
  }
  if (name == "assign") {
    r.AllowOnly({"unit_id", "note", "due_at"});
    return Done(r, AssignDemand{r.Str("unit_id"), r.Str("note"), r.Str("due_at")});
  }
  if (name == "return") {
    r.AllowOnly({"reason"});
    return Done(r, ReturnDemand{r.Str("reason")});
  }
  if (name == "publicize") {
    r.AllowOnly({"notice", "days"});
    return Done(r, PublicizeDemand{r.Str("notice"), r.Int("days")});
  }
  if (name == "progress") {
    r.AllowOnly({"note", "visibility", "attachments"});
    ReportProgress c{r.Str("note"), r.Str("visibility"), {}};
    c.attachments = ParseAttachmentsBody(r, "attachments");
    return Done(r, std::move(c));
  }
  if (name == "supervise") {
    r.AllowOnly({"note", "due_at"});
    return Done(r, SuperviseDemand{r.Str("note"), r.Str("due_at")});
  }
  if (name == "resolve") {
    r.AllowOnly({"summary", "attachments"});
    ResolveDemand c{r.Str("summary"), {}};
    c.attachments = ParseAttachmentsBody(r, "attachments");
    return Done(r, std::move(c));
  }
  if (name == "evaluate") {
    r.AllowOnly({"rating", "score", "comment"});
    EvaluateDemand c;
    c.rating = r.Str("rating");
    c.score = r.Int("score");
    c.comment = r.Str("comment");
    return Done(r, std::move(c));
  }
  if (name == "close") {
    r.AllowOnly({"note"});
    return Done(r, CloseDemand{r.Str("note")});
  }
  r.AllowOnly({"duplicate_of"});
  return Done(r, MarkDuplicate{r.Str("duplicate_of")});
}

}  // namespace redledger
