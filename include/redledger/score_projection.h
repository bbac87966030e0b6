// ScoreProjection: scores, notices and policies (DESIGN §4, §5) over the
// event log, for the HTTP routes /v1/scores, /v1/sites/{id}/scores,
// /v1/notices (GET, POST) and GET /v1/policy.
//
// It keeps a ScoreBook (redledger/scoring.h) in memory and folds the log
// into it from the store, pulling: every query first folds the events up to
// the store head it sees on arrival, so a query is consistent with every
// command acknowledged before it (read-your-writes without a wait). CatchUp()
// does the same ahead of time (call it at start-up, or from a background
// thread, so the first query does not fold the whole log).
//
// `as_of` (a log position; nullopt = the head on arrival) answers exactly as
// the log stood there; beyond the head it is ValidationFailed (field
// "as_of"). Results at a given position never change, so rendered documents
// are cached by (query, position); a published notice is computed once.
//
// Restart: with a checkpoint path, the fold is checkpointed every so many
// events and resumed from the checkpoint instead of replaying the log.
//
// Memory: the fold keeps each demand's raise and scoring steps, about 300
// bytes per demand (1 M demands: ~0.3 GB), so it grows with the number of
// demands, not with the number of events.
//
// Thread safety: all methods are safe to call concurrently. Folding is
// serialised; queries render outside the fold's lock where they can.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/clock.h"
#include "redledger/domain.h"
#include "redledger/event_store.h"
#include "redledger/principal.h"
#include "redledger/scoring.h"
#include "redledger/status.h"

namespace redledger {

struct ScoreProjectionOptions {
  // Events read from the store per Scan while catching up. Default: 4,096.
  size_t scan_batch = 4096;
  // Rendered documents kept (by query and position); the cache is emptied
  // when full. Default: 512.
  size_t cache_entries = 512;
  // Where the fold is checkpointed (ScoreBook::Snapshot, written to a
  // temporary file and renamed, not synced: a lost checkpoint only means
  // folding more of the log). The first CatchUp resumes from it when the
  // event at its position still has the hash it had. Default: empty, none.
  std::string checkpoint_path;
  // Events folded between checkpoints; one is also written on destruction.
  // Default: 100,000.
  uint64_t checkpoint_every = 100'000;
};

struct PublishedNotice {
  uint64_t position = 0;        // of the notice.published event
  uint64_t cutoff_position = 0;
  std::string notice_json;      // the published notice (NoticeJson)
};

class ScoreProjection {
 public:
  // REQUIRES: `store` outlives the projection. Reads nothing yet.
  explicit ScoreProjection(const EventStore* store, ScoreProjectionOptions options = {});
  ~ScoreProjection();

  // Folds every event up to the store's head. Corruption when an event
  // cannot be folded (the fold stays before it).
  Status CatchUp();
  // The last position folded.
  uint64_t Applied() const;

  // Hears, after each CatchUp (or query) that folded events, the ids of the
  // sites whose scores they may have changed ("*": every site, after a
  // policy.set) and the position reached — for the WebSocket `score`
  // messages. Runs on the thread that caught up, outside the fold's lock;
  // must not block, nor (un)subscribe from inside the callback.
  using ChangeFn = std::function<void(const std::vector<std::string>& site_ids, uint64_t position)>;
  uint64_t Subscribe(ChangeFn fn);
  void Unsubscribe(uint64_t id);

  // GET /v1/scores?period=&as_of=: ScoresJson.
  Result<std::string> Scores(CivilMonth period, std::optional<uint64_t> as_of);
  // GET /v1/sites/{id}/scores?period=&as_of=: SiteScoresJson (NotFound for
  // a site not registered at that position).
  Result<std::string> SiteScores(std::string_view site_id, CivilMonth period, std::optional<uint64_t> as_of);
  // GET /v1/notices?period=&as_of=: NoticeJson, or NoticeCsv when `csv`.
  Result<std::string> Notice(CivilMonth period, std::optional<uint64_t> as_of, bool csv = false);
  // GET /v1/policy?as_of=: {"as_of", "policies": [policy.set data…]} in
  // effective order (the default policy first, with effective_from
  // "1970-01", unless a policy.set replaced it), and "current": the policy
  // in force for the month of `now`.
  Result<std::string> Policies(std::optional<uint64_t> as_of, Micros now);

  // POST /v1/notices: decides (DecidePublishNotice) against the head and
  // appends `notice.published` to the `notices` stream, guarded by the
  // stream's version so two publishers of one period cannot both succeed.
  // `store` is the same store, writable.
  Result<PublishedNotice> Publish(EventStore* store, const Principal& actor, std::string_view body,
                                  const CommandMeta& meta, Micros now);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redledger
