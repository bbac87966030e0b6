// The state LiveHub shares with its sessions: the rendered live events, the
// subscriber registry, the stream -> site resolver and the visibility rule.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "redledger/event_store.h"
#include "redledger/live_hub.h"
#include "redledger/principal.h"

namespace redledger {

class Authenticator;
class Clock;
class ProjectionRunner;
class ScoreProjection;

namespace ws {

class LiveSession;

// Who may read an event, from its stream (DESIGN §3).
struct EventScope {
  enum class Audience : uint8_t { kEveryReader, kSite, kAdminOnly, kPrivileged };
  Audience audience = Audience::kPrivileged;
  std::string site;  // with kSite
};

// Principals that have an event feed at all (residents and grid leaders do not).
bool HasEventFeed(const Principal& p);
bool MayRead(const Principal& p, const EventScope& scope);
bool MayReadScores(const Principal& p);

// What one subscription asks for.
struct Filter {
  std::optional<std::string> site_id;
  std::vector<std::string> types;  // empty: every type
  bool Matches(const Principal& p, const EventScope& scope, const std::string& type) const;
};

// `{"kind":"event","event":<envelope without personal>}`.
std::string EventMessage(const Envelope& e);

// Demand stream -> site, an LRU filled from demand.raised (the first event of
// every demand stream) and, on a miss, from the stream's first event.
// Thread-safe: the hub thread and catching-up sessions share it.
class SiteResolver {
 public:
  SiteResolver(const EventStore* store, size_t capacity) : store_(store), capacity_(capacity) {}
  EventScope Resolve(const Envelope& e);

 private:
  std::optional<std::string> Find(const std::string& stream);
  void Put(const std::string& stream, std::string site);

  const EventStore* store_;
  const size_t capacity_;
  std::mutex mu_;  // guards lru_ and by_stream_
  std::list<std::pair<std::string, std::string>> lru_;  // most recent first
  std::unordered_map<std::string, std::list<std::pair<std::string, std::string>>::iterator> by_stream_;
};

// One committed event, rendered once and shared by every session.
struct LiveEvent {
  uint64_t position = 0;
  std::string type;
  EventScope scope;
  std::shared_ptr<const std::string> message;
};

// What the hub posts to one session: every event matching it with position
// in (covers_after, last] — covers_after is the `last` of the previous
// delivery to it, so ranges with nothing for it are never posted. A session
// whose cursor is below covers_after has missed something (it was catching
// up, or the hub dropped a backlog) and reads the log.
struct LiveDelivery {
  uint64_t covers_after = 0;
  uint64_t last = 0;
  std::shared_ptr<const std::vector<LiveEvent>> batch;
  std::vector<uint32_t> indices;  // into *batch, ascending
};

// A subscribed session as the hub thread sees it. Immutable but
// `posted_through`, which only the hub thread touches.
struct Subscriber {
  std::weak_ptr<LiveSession> session;
  Principal principal;
  Filter filter;
  bool scores = false;                   // may receive score messages
  uint64_t posted_through = UINT64_MAX;  // `last` of the last delivery posted; MAX: none yet
};

}  // namespace ws

struct LiveHub::Core {
  Core(EventStore* store, const Authenticator* auth, LiveHubOptions options, ProjectionRunner* projections,
       ScoreProjection* scores, const Clock* clock);

  // Sessions (any thread).
  uint64_t AddSession(std::weak_ptr<ws::LiveSession> s);
  void RemoveSession(uint64_t id);
  void Subscribe(uint64_t id, std::shared_ptr<ws::Subscriber> sub);
  void Unsubscribe(uint64_t id);
  // Asks the hub thread for the ledger and score of the session's site.
  void RequestSnapshot(uint64_t id);

  // The hub thread.
  void Run();
  void Stop();
  void OnCommit(const CommitNotice& n);  // the store's writer thread: queue and wake
  void FanOut(const std::vector<CommitNotice>& notices);
  void SendSiteDocs(const std::set<std::string>& ledger_sites, const std::set<std::string>& score_sites,
                    const std::set<uint64_t>& snapshot_sessions);
  std::shared_ptr<const std::string> LedgerMessage(const std::string& site);
  std::shared_ptr<const std::string> ScoreMessage(const std::string& site);

  EventStore* const store;
  const Authenticator* const auth;
  const LiveHubOptions options;
  ProjectionRunner* const projections;
  ScoreProjection* const scores;
  const Clock* const clock;
  ws::SiteResolver sites;

  std::atomic<bool> closed{false};
  std::atomic<uint64_t> catchups{0}, too_slow{0}, fanned_out{0}, dropped{0};

  std::mutex sessions_mu;  // guards the three below
  uint64_t next_session_id = 1;
  std::map<uint64_t, std::weak_ptr<ws::LiveSession>> sessions;          // every open session
  std::map<uint64_t, std::shared_ptr<ws::Subscriber>> subscribers;       // the subscribed ones

  std::mutex work_mu;  // guards the work below
  std::condition_variable work_cv;
  bool stopping = false;
  std::vector<CommitNotice> pending;
  size_t pending_events = 0;
  std::set<std::string> ledger_changed, score_changed;  // "*": every site
  std::set<uint64_t> snapshot_requests;

  // Hub thread only.
  uint64_t last_fanned = 0;  // 0: nothing yet (the first notice is not a gap)

  std::thread thread;
};

}  // namespace redledger
