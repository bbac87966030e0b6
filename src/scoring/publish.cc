// POST /v1/notices: publishing a period's notice fixes it at the log head.
#include <boost/json.hpp>

#include "redledger/codec.h"
#include "redledger/scoring.h"

namespace redledger {

namespace json = boost::json;

Result<CivilMonth> ParsePublishNotice(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::InvalidJson("the body must be a JSON object");
  const json::object& o = v.as_object();
  for (const auto& kv : o) {
    if (kv.key() != "period") return Status::InvalidArgument("unknown field " + std::string(kv.key()), kv.key());
  }
  const json::value* p = o.if_contains("period");
  if (!p) return Status::ValidationFailed("period", "is required");
  if (!p->is_string()) return Status::InvalidArgument("period must be a string", "period");
  auto m = ParseMonth(p->as_string());
  if (!m.ok()) return Status::ValidationFailed("period", "must be YYYY-MM");
  return *m;
}

Result<DomainEvent> DecidePublishNotice(CivilMonth period, const Principal& actor, Micros now, uint64_t head,
                                        const ScoreBook& book) {
  if (actor.role != Role::kSupervisor || !actor.all_sites)
    return Status::Forbidden("notice.publish needs a supervisor of every site");
  PolicyBook policies = book.PoliciesAt(book.position());
  CivilMonth next = period.month == 12 ? CivilMonth{period.year + 1, 1} : CivilMonth{period.year, period.month + 1};
  if (now < MonthStart(next, policies.ForMonth(next).utc_offset_minutes))
    return Status::ValidationFailed("period", "has not ended");
  if (book.Notice(period, book.position()).published_position != 0)
    return Status::InvalidTransition("the notice for " + FormatMonth(period) + " is already published", "published");
  std::string data = "{\"cutoff_position\":" + std::to_string(head) + ",\"period\":";
  AppendJsonString(&data, FormatMonth(period));
  data += "}";
  return DomainEvent{std::string(kNoticesStream), std::string(kNoticePublished), std::move(data), {}, {}};
}

}  // namespace redledger
