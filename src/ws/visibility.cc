// Who sees which event on the live feed (DESIGN §3), the subscription filter,
// and the stream -> site mapping it needs.
#include <boost/json.hpp>

#include <algorithm>

#include "redledger/codec.h"
#include "redledger/domain.h"
#include "ws/hub_core.h"

namespace redledger::ws {

bool HasEventFeed(const Principal& p) { return p.role != Role::kResident && p.role != Role::kGridLeader; }

bool MayRead(const Principal& p, const EventScope& scope) {
  using A = EventScope::Audience;
  if (p.role == Role::kAdmin) return true;
  if (scope.audience == A::kAdminOnly || !HasEventFeed(p)) return false;
  if (p.role == Role::kInspector || p.all_sites) return true;
  switch (scope.audience) {
    case A::kEveryReader:
      return true;
    case A::kSite:
      return p.InScope(scope.site);
    default:
      return false;  // subject streams and anything new: privileged readers only
  }
}

bool MayReadScores(const Principal& p) {
  return p.role == Role::kAdmin || p.role == Role::kInspector || p.role == Role::kSupervisor ||
         p.role == Role::kCommunity;
}

bool Filter::Matches(const Principal& p, const EventScope& scope, const std::string& type) const {
  if (!MayRead(p, scope)) return false;
  if (site_id && (scope.audience != EventScope::Audience::kSite || scope.site != *site_id)) return false;
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

std::string EventMessage(const Envelope& e) {
  std::string out = R"({"kind":"event","event":)";
  out += EnvelopeJson(e, /*include_personal=*/false);
  out += '}';
  return out;
}

namespace {

std::string SiteOfData(const std::string& data) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(data, ec);
  if (ec || !v.is_object()) return {};
  const auto* s = v.as_object().if_contains("site_id");
  return s && s->is_string() ? std::string(s->as_string()) : std::string();
}

}  // namespace

EventScope SiteResolver::Resolve(const Envelope& e) {
  using A = EventScope::Audience;
  const std::string& s = e.stream;
  if (s == kAccessStream) return {A::kAdminOnly, {}};
  if (s == kPolicyStream || s == "notices" || s.starts_with("unit-")) return {A::kEveryReader, {}};
  if (s.starts_with("site-")) return {A::kSite, s.substr(5)};
  if (DemandIdOfStream(s).empty()) return {A::kPrivileged, {}};
  if (e.version == 1) {  // demand.raised: the site is in the event itself
    std::string site = SiteOfData(e.data);
    Put(s, site);
    return site.empty() ? EventScope{A::kPrivileged, {}} : EventScope{A::kSite, site};
  }
  std::optional<std::string> site = Find(s);
  if (!site) {
    auto first = store_->ReadStream(s, 1, EventStore::Direction::kForward, 1);
    if (!first.ok()) return {A::kPrivileged, {}};  // not cached: the next event asks again
    site = first->empty() ? std::string() : SiteOfData(first->front().data);
    Put(s, *site);
  }
  return site->empty() ? EventScope{A::kPrivileged, {}} : EventScope{A::kSite, *site};
}

std::optional<std::string> SiteResolver::Find(const std::string& stream) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_stream_.find(stream);
  if (it == by_stream_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void SiteResolver::Put(const std::string& stream, std::string site) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = by_stream_.find(stream); it != by_stream_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(stream, std::move(site));
  by_stream_[stream] = lru_.begin();
  if (lru_.size() > capacity_) {
    by_stream_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

}  // namespace redledger::ws
