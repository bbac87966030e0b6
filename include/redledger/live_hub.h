// LiveHub: the WebSocket live feed `GET /v1/live` (DESIGN §4), which follows
// the event log and pushes matching events, site ledgers and scores to each
// subscriber.
//
//   LiveHub hub(store, &authenticator, options, projections, scores);
//   REDLEDGER_RETURN_IF_ERROR(AttachLiveHub(server, hub));  // before server.Start()
//   ...
//   server.Stop(); server.Wait();  // sessions get {"kind":"closing"} and end
//   // then the hub may be destroyed
//
// Protocol. The token comes in the upgrade's `Authorization: Bearer` header
// or in a first message {"auth":"<token>"}; then one
// {"subscribe":{"after":<position>|"now","site_id"?,"types"?:[…]}}. The
// server sends text messages, each an object with a `kind`:
//   {"kind":"event","event":<envelope JSON, `personal` omitted>}
//   {"kind":"ledger","ledger":<GET /v1/sites/{id}/ledger body>}
//   {"kind":"score","score":<GET /v1/sites/{id}/scores body, current month>}
//   {"kind":"heartbeat","head":<store head>}
//   {"kind":"error","error":{"code","message",…}}   (DESIGN §4 error object)
//   {"kind":"closing","reason":"…","resume_after":<position>}
// `ledger` and `score` come only with a site_id: once on subscribe, then
// whenever the site's projection changes. Events arrive in position order,
// each once; a client that reconnects with after=<last position received>
// (or a closing message's resume_after) misses nothing and gets nothing twice.
//
// Who sees what (DESIGN §3): admin everything; inspector everything but the
// `access` stream; supervisor, community and handler the events of the sites
// in their scope (a demand's site from its demand.raised) plus the
// `policy`, `notices` and `unit-*` streams. Residents and grid leaders have
// no event feed: they get a forbidden error and the connection closes. A
// site_id outside the caller's scope is forbidden likewise. Scores go only to
// roles that may read them (not handlers).
//
// Slow clients. Every session has a bounded outgoing queue. When a batch of
// live events does not fit, the session stops taking live events and reads
// the log itself, a page at a time as its queue drains (catch-up), until it
// meets the live stream again; positions make the switch gap- and
// duplicate-free. A session lagging the head by more than max_lag_events
// whose lag has not shrunk for max_lag_time (a client that stopped reading,
// or reads slower than events arrive) is closed with reason "too slow" and
// the position to resume from; one catching up is left to catch up. Each live event is rendered once and the bytes are shared
// by every session.
//
// Thread safety: all methods are safe to call from any thread. The hub runs
// one thread of its own (fan-out, rendering ledgers and scores); sessions run
// on the HTTP server's I/O threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "redledger/status.h"

namespace redledger {

class Authenticator;
class Clock;
class EventStore;
class ProjectionRunner;
class ScoreProjection;

namespace http {
class Server;
struct UpgradeContext;
}  // namespace http

struct LiveHubOptions {
  // Period of {"kind":"heartbeat"}. Default: 15 s
  std::chrono::milliseconds heartbeat_interval{15'000};
  // A client from which nothing (no pong, no message) arrives for this long
  // is closed; a WebSocket ping goes out after half of it. Default: 30 s
  std::chrono::milliseconds idle_timeout{30'000};
  // Time from the upgrade to a valid auth (header or message) and subscribe. Default: 10 s
  std::chrono::milliseconds subscribe_timeout{10'000};
  // Time a closing session may take to flush its last message and close. Default: 2 s
  std::chrono::milliseconds close_timeout{2'000};
  // Bytes queued per session (not yet handed to the socket); a batch that
  // does not fit switches the session to catch-up. Default: 256 KiB
  size_t queue_bytes = 256 * 1024;
  // Events read from the log per catch-up page. Default: 256
  size_t catchup_page = 256;
  // A session lagging the head by more than this many events... Default: 100,000
  uint64_t max_lag_events = 100'000;
  // ...whose lag has not shrunk for this long is closed ("too slow"). Default: 30 s
  std::chrono::milliseconds max_lag_time{30'000};
  // Largest message accepted from a client. Default: 4 KiB
  size_t max_message_bytes = 4096;
  // Demand stream -> site entries kept (LRU); a miss reads the stream's
  // first event. Default: 100,000
  size_t site_cache_entries = 100'000;
  // Committed events waiting for fan-out; past this the hub drops them and
  // sessions fetch them from the log instead (they see the gap). Default: 100,000
  size_t backlog_events = 100'000;
  // Zone offset that picks the current month for `score` messages. Default: 480 (UTC+8)
  int utc_offset_minutes = 480;
};

struct LiveHubStats {
  uint64_t sessions_open = 0;
  uint64_t events_fanned_out = 0;  // events rendered once and offered to sessions
  uint64_t catchups_started = 0;   // times a session fell back to reading the log
  uint64_t closed_too_slow = 0;
  uint64_t backlog_dropped = 0;    // events left for sessions to read from the log
};

class LiveHub {
 public:
  // Listens to `store` at once. `projections` and `scores` may be null: then
  // no ledger (resp. score) messages are sent. `clock` picks the score month
  // (null: the system clock). REQUIRES: every pointer given outlives the
  // hub; authenticator != nullptr.
  LiveHub(EventStore* store, const Authenticator* authenticator, LiveHubOptions options,
          ProjectionRunner* projections = nullptr, ScoreProjection* scores = nullptr, const Clock* clock = nullptr);
  // Stops listening and joins the hub thread. REQUIRES: the server it is
  // attached to has stopped and been waited for (no session left).
  ~LiveHub();
  LiveHub(const LiveHub&) = delete;
  LiveHub& operator=(const LiveHub&) = delete;

  // Takes over an upgraded connection (what AttachLiveHub registers).
  void Accept(http::UpgradeContext&& upgrade);
  // Sends {"kind":"closing","reason":"server stopping"} to every session and
  // closes them; new connections are refused. Idempotent.
  void CloseAll();

  LiveHubStats stats() const;

  struct Core;  // shared with the sessions (src/ws/hub_core.h)

 private:
  std::shared_ptr<Core> core_;
  uint64_t listener_ = 0;        // EventStore::ListenerId
  uint64_t projection_sub_ = 0;  // ProjectionRunner::SubscriptionId
  uint64_t score_sub_ = 0;       // ScoreProjection subscription
};

// Serves `hub` at GET /v1/live on `server` and closes its sessions when the
// server stops. REQUIRES: server not started; hub outlives the server's Wait().
Status AttachLiveHub(http::Server& server, LiveHub& hub);

}  // namespace redledger
