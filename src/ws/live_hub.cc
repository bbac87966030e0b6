// The hub: hears commits on the store's writer thread, renders each event once
// on its own thread and offers every subscriber the events that match it;
// renders ledgers and scores when their projections change.
#include "redledger/live_hub.h"

#include <spdlog/spdlog.h>

#include "redledger/clock.h"
#include "redledger/http_server.h"
#include "redledger/http_upgrade.h"
#include "redledger/projection.h"
#include "redledger/score_projection.h"
#include "redledger/views.h"
#include "ws/live_session.h"

namespace redledger {

using ws::LiveDelivery;
using ws::LiveEvent;
using ws::LiveSession;
using ws::Subscriber;

LiveHub::Core::Core(EventStore* store, const Authenticator* auth, LiveHubOptions options,
                    ProjectionRunner* projections, ScoreProjection* scores, const Clock* clock)
    : store(store),
      auth(auth),
      options(options),
      projections(projections),
      scores(scores),
      clock(clock != nullptr ? clock : SystemClock::Default()),
      sites(store, options.site_cache_entries) {}

uint64_t LiveHub::Core::AddSession(std::weak_ptr<LiveSession> s) {
  std::lock_guard<std::mutex> lock(sessions_mu);
  const uint64_t id = next_session_id++;
  sessions.emplace(id, std::move(s));
  return id;
}

void LiveHub::Core::RemoveSession(uint64_t id) {
  std::lock_guard<std::mutex> lock(sessions_mu);
  sessions.erase(id);
  subscribers.erase(id);
}

void LiveHub::Core::Subscribe(uint64_t id, std::shared_ptr<Subscriber> sub) {
  std::lock_guard<std::mutex> lock(sessions_mu);
  subscribers[id] = std::move(sub);
}

void LiveHub::Core::Unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> lock(sessions_mu);
  subscribers.erase(id);
}

void LiveHub::Core::RequestSnapshot(uint64_t id) {
  if (projections == nullptr && scores == nullptr) return;
  std::lock_guard<std::mutex> lock(work_mu);
  snapshot_requests.insert(id);
  work_cv.notify_one();
}

void LiveHub::Core::OnCommit(const CommitNotice& n) {
  const size_t count = n.last_position - n.first_position + 1;
  std::lock_guard<std::mutex> lock(work_mu);
  if (pending_events + count > options.backlog_events) {
    // The hub is far behind: leave these to the log. Sessions see the gap.
    dropped.fetch_add(count, std::memory_order_relaxed);
    return;
  }
  pending.push_back(n);
  pending_events += count;
  work_cv.notify_one();
}

void LiveHub::Core::Run() {
  for (;;) {
    std::vector<CommitNotice> notices;
    std::set<std::string> ledger_sites, score_sites;
    std::set<uint64_t> snapshots;
    {
      std::unique_lock<std::mutex> lock(work_mu);
      work_cv.wait(lock, [&] {
        return stopping || !pending.empty() || !ledger_changed.empty() || !score_changed.empty() ||
               !snapshot_requests.empty();
      });
      if (stopping) return;
      notices.swap(pending);
      pending_events = 0;
      ledger_sites.swap(ledger_changed);
      score_sites.swap(score_changed);
      snapshots.swap(snapshot_requests);
    }
    if (!notices.empty()) FanOut(notices);
    if (scores != nullptr && !notices.empty()) {
      bool site_subscribers = false;
      {
        std::lock_guard<std::mutex> lock(sessions_mu);
        for (const auto& [id, sub] : subscribers) site_subscribers |= sub->scores && sub->filter.site_id.has_value();
      }
      // Folding is what tells us (through Subscribe) which sites' scores changed.
      if (site_subscribers) {
        if (Status s = scores->CatchUp(); !s.ok()) spdlog::warn("live feed: scores: {}", s.ToString());
      }
    }
    if (!ledger_sites.empty() || !score_sites.empty() || !snapshots.empty()) {
      SendSiteDocs(ledger_sites, score_sites, snapshots);
    }
  }
}

void LiveHub::Core::FanOut(const std::vector<CommitNotice>& notices) {
  std::vector<std::shared_ptr<Subscriber>> subs;
  {
    std::lock_guard<std::mutex> lock(sessions_mu);
    subs.reserve(subscribers.size());
    for (const auto& [id, sub] : subscribers) subs.push_back(sub);
  }
  // Contiguous notices form one batch; a gap (a dropped backlog) starts a new one.
  size_t i = 0;
  while (i < notices.size()) {
    auto batch = std::make_shared<std::vector<LiveEvent>>();
    const uint64_t first = notices[i].first_position;
    uint64_t last = first - 1;
    for (; i < notices.size() && notices[i].first_position == last + 1; ++i) {
      for (const Envelope& e : *notices[i].events) {
        batch->push_back(LiveEvent{e.position, e.type, sites.Resolve(e),
                                   std::make_shared<const std::string>(ws::EventMessage(e))});
      }
      last = notices[i].last_position;
    }
    const bool gap = last_fanned != 0 && first != last_fanned + 1;
    last_fanned = last;
    fanned_out.fetch_add(batch->size(), std::memory_order_relaxed);
    std::shared_ptr<const std::vector<LiveEvent>> shared = std::move(batch);
    for (const auto& sub : subs) {
      // A delivery vouches for everything since the last one posted, so
      // batches with nothing for this session need not be posted at all.
      if (sub->posted_through == UINT64_MAX || gap) sub->posted_through = first - 1;
      LiveDelivery d;
      d.covers_after = sub->posted_through;
      d.last = last;
      for (uint32_t k = 0; k < shared->size(); ++k) {
        const LiveEvent& e = (*shared)[k];
        if (sub->filter.Matches(sub->principal, e.scope, e.type)) d.indices.push_back(k);
      }
      if (d.indices.empty()) continue;
      sub->posted_through = last;
      d.batch = shared;
      if (auto s = sub->session.lock()) s->PostDelivery(std::move(d));
    }
  }
}

std::shared_ptr<const std::string> LiveHub::Core::LedgerMessage(const std::string& site) {
  if (projections == nullptr) return nullptr;
  auto ledger = projections->views().Ledger(site, std::nullopt);
  if (!ledger.ok()) {
    spdlog::warn("live feed: ledger of {}: {}", site, ledger.status().ToString());
    return nullptr;
  }
  return std::make_shared<const std::string>(R"({"kind":"ledger","ledger":)" + SiteLedgerJson(*ledger) + "}");
}

std::shared_ptr<const std::string> LiveHub::Core::ScoreMessage(const std::string& site) {
  if (scores == nullptr) return nullptr;
  auto doc = scores->SiteScores(site, MonthAt(clock->NowMicros(), options.utc_offset_minutes), std::nullopt);
  if (!doc.ok()) return nullptr;  // e.g. a site not registered (yet): nothing to score
  return std::make_shared<const std::string>(R"({"kind":"score","score":)" + *doc + "}");
}

void LiveHub::Core::SendSiteDocs(const std::set<std::string>& ledger_sites, const std::set<std::string>& score_sites,
                                 const std::set<uint64_t>& snapshot_sessions) {
  struct Target {
    uint64_t id;
    std::shared_ptr<Subscriber> sub;
  };
  std::vector<Target> targets;
  {
    std::lock_guard<std::mutex> lock(sessions_mu);
    for (const auto& [id, sub] : subscribers) {
      if (sub->filter.site_id) targets.push_back({id, sub});
    }
  }
  // Each document is rendered once per site and shared by its subscribers.
  std::map<std::string, std::shared_ptr<const std::string>> ledgers, score_docs;
  auto ledger_of = [&](const std::string& site) {
    auto [it, fresh] = ledgers.try_emplace(site);
    if (fresh) it->second = LedgerMessage(site);
    return it->second;
  };
  auto score_of = [&](const std::string& site) {
    auto [it, fresh] = score_docs.try_emplace(site);
    if (fresh) it->second = ScoreMessage(site);
    return it->second;
  };
  const bool all_scores = score_sites.contains("*");
  for (const Target& t : targets) {
    auto session = t.sub->session.lock();
    if (!session) continue;
    const std::string& site = *t.sub->filter.site_id;
    const bool snapshot = snapshot_sessions.contains(t.id);
    if (snapshot || ledger_sites.contains(site)) {
      if (auto m = ledger_of(site)) session->PostDocument(std::move(m));
    }
    if (t.sub->scores && (snapshot || all_scores || score_sites.contains(site))) {
      if (auto m = score_of(site)) session->PostDocument(std::move(m));
    }
  }
}

void LiveHub::Core::Stop() {
  std::lock_guard<std::mutex> lock(work_mu);
  stopping = true;
  work_cv.notify_one();
}

LiveHub::LiveHub(EventStore* store, const Authenticator* authenticator, LiveHubOptions options,
                 ProjectionRunner* projections, ScoreProjection* scores, const Clock* clock)
    : core_(std::make_shared<Core>(store, authenticator, options, projections, scores, clock)) {
  Core* core = core_.get();
  core->last_fanned = store->Head();
  core->thread = std::thread([core] { core->Run(); });
  listener_ = store->AddListener([core](const CommitNotice& n) { core->OnCommit(n); });
  if (projections != nullptr) {
    projection_sub_ = projections->Subscribe([core](const std::vector<ProjectionChange>& changes) {
      std::lock_guard<std::mutex> lock(core->work_mu);
      for (const ProjectionChange& c : changes) {
        if (c.kind == ProjectionChange::Kind::kLedger) core->ledger_changed.insert(c.id);
      }
      core->work_cv.notify_one();
    });
  }
  if (scores != nullptr) {
    score_sub_ = scores->Subscribe([core](const std::vector<std::string>& site_ids, uint64_t) {
      std::lock_guard<std::mutex> lock(core->work_mu);
      core->score_changed.insert(site_ids.begin(), site_ids.end());
      core->work_cv.notify_one();
    });
  }
}

LiveHub::~LiveHub() {
  core_->store->RemoveListener(listener_);
  if (core_->projections != nullptr) core_->projections->Unsubscribe(projection_sub_);
  if (core_->scores != nullptr) core_->scores->Unsubscribe(score_sub_);
  core_->Stop();
  core_->thread.join();
}

void LiveHub::Accept(http::UpgradeContext&& upgrade) {
  if (core_->closed.load()) return;  // dropping the context closes the socket
  std::make_shared<LiveSession>(core_, std::move(upgrade))->Start();
}

void LiveHub::CloseAll() {
  core_->closed.store(true);
  std::vector<std::shared_ptr<LiveSession>> open;
  {
    std::lock_guard<std::mutex> lock(core_->sessions_mu);
    for (const auto& [id, weak] : core_->sessions) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  for (const auto& s : open) s->PostClose("server stopping");
}

LiveHubStats LiveHub::stats() const {
  LiveHubStats s;
  {
    std::lock_guard<std::mutex> lock(core_->sessions_mu);
    s.sessions_open = core_->sessions.size();
  }
  s.events_fanned_out = core_->fanned_out.load();
  s.catchups_started = core_->catchups.load();
  s.closed_too_slow = core_->too_slow.load();
  s.backlog_dropped = core_->dropped.load();
  return s;
}

Status AttachLiveHub(http::Server& server, LiveHub& hub) {
  server.RouteUpgrade("/v1/live", [&hub](http::UpgradeContext&& upgrade) { hub.Accept(std::move(upgrade)); });
  server.OnStop([&hub] { hub.CloseAll(); });
  return Status::OK();
}

}  // namespace redledger
