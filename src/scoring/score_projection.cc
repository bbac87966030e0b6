#include "redledger/score_projection.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>

namespace redledger {

class ScoreProjection::Impl {
 public:
  Impl(const EventStore* store, ScoreProjectionOptions options) : store_(store), options_(std::move(options)) {}
  ~Impl() {
    std::unique_lock lock(book_mu_);
    // A failed final checkpoint only means the next start folds more of the log.
    if (!options_.checkpoint_path.empty() && book_.position() > checkpointed_) WriteCheckpoint().IgnoreError();
  }

  // Folds to the head, then tells the subscribers which sites changed.
  Status CatchUp() {
    std::vector<std::string> changed;
    uint64_t reached = 0;
    Status s = Fold(&changed, &reached);
    if (!changed.empty()) {
      std::lock_guard lock(subscribers_mu_);
      for (const auto& [id, fn] : subscribers_) fn(changed, reached);
    }
    return s;
  }

  // Folds to the store's head, collecting the sites affected (only when
  // someone listens) and the position reached.
  Status Fold(std::vector<std::string>* changed, uint64_t* reached) {
    std::unique_lock lock(book_mu_);
    std::set<std::string> sites;
    if (!resumed_) {
      resumed_ = true;
      Resume();
    }
    const uint64_t head = store_->Head();
    while (book_.position() < head) {
      Status applied;
      Status s = store_->Scan(book_.position(), std::min(head, book_.position() + options_.scan_batch),
                              [&](const Envelope& e) {
                                applied = book_.Apply(e);
                                if (applied.ok() && !subscribers_empty_) {
                                  std::string site = book_.SiteAffectedBy(e);
                                  if (!site.empty()) sites.insert(std::move(site));
                                }
                                return applied.ok();
                              });
      // What was folded before an error still counts as changed.
      changed->assign(sites.begin(), sites.end());
      *reached = book_.position();
      REDLEDGER_RETURN_IF_ERROR(s);
      REDLEDGER_RETURN_IF_ERROR(applied);
    }
    if (!options_.checkpoint_path.empty() && book_.position() >= checkpointed_ + options_.checkpoint_every)
      return WriteCheckpoint();
    return Status::OK();
  }

  // Checkpoint file := leaf hash of the event at the fold's position (32
  // bytes; zeros at 0) ‖ ScoreBook::Snapshot(). REQUIRES: book_mu_ held.
  Status WriteCheckpoint() {
    std::string file(32, '\0');
    if (book_.position() > 0) {
      auto e = store_->ReadAt(book_.position());
      if (!e.ok()) return e.status();
      file.assign(reinterpret_cast<const char*>(e->hash.data()), e->hash.size());
    }
    file += book_.Snapshot();
    const std::string tmp = options_.checkpoint_path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(file.data(), static_cast<std::streamsize>(file.size()));
      if (!out.good()) return Status::IOError("cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, options_.checkpoint_path, ec);
    if (ec) return Status::IOError("cannot rename " + tmp + ": " + ec.message());
    checkpointed_ = book_.position();
    return Status::OK();
  }

  // Loads the checkpoint when it belongs to this log; otherwise the fold
  // starts from position 1. REQUIRES: book_mu_ held.
  void Resume() {
    if (options_.checkpoint_path.empty()) return;
    std::ifstream in(options_.checkpoint_path, std::ios::binary);
    if (!in) return;
    std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (file.size() < 32) return;
    auto book = ScoreBook::FromSnapshot(std::string_view(file).substr(32));
    if (!book.ok() || book->position() > store_->Head()) return;
    if (book->position() > 0) {
      auto e = store_->ReadAt(book->position());
      if (!e.ok() || std::string_view(reinterpret_cast<const char*>(e->hash.data()), 32) != file.substr(0, 32)) return;
    }
    book_ = std::move(*book);
    checkpointed_ = book_.position();
  }

  uint64_t Applied() const {
    std::shared_lock lock(book_mu_);
    return book_.position();
  }

  // Catches up, then resolves `as_of` against the position reached.
  Result<uint64_t> Pin(std::optional<uint64_t> as_of) {
    REDLEDGER_RETURN_IF_ERROR(CatchUp());
    uint64_t applied = Applied();
    if (!as_of) return applied;
    if (*as_of > applied) return Status::ValidationFailed("as_of", "is beyond the log head");
    return *as_of;
  }

  // The cached document for `key`, or `render()` under the book's shared lock.
  template <typename Fn>
  Result<std::string> Cached(const std::string& key, Fn render) {
    {
      std::lock_guard lock(cache_mu_);
      auto it = cache_.find(key);
      if (it != cache_.end()) return it->second;
    }
    Result<std::string> doc = [&] {
      std::shared_lock lock(book_mu_);
      return render(book_);
    }();
    if (doc.ok()) {
      std::lock_guard lock(cache_mu_);
      if (cache_.size() >= options_.cache_entries) cache_.clear();
      cache_.emplace(key, *doc);
    }
    return doc;
  }

  const EventStore* store_;
  ScoreProjectionOptions options_;
  mutable std::shared_mutex book_mu_;  // guards book_
  ScoreBook book_;
  bool resumed_ = false;        // guarded by book_mu_
  uint64_t checkpointed_ = 0;   // guarded by book_mu_
  std::mutex publish_mu_;  // one publication decided at a time in this process
  std::mutex cache_mu_;    // guards cache_
  std::map<std::string, std::string> cache_;
  std::mutex subscribers_mu_;  // guards subscribers_, next_subscriber_
  std::map<uint64_t, ChangeFn> subscribers_;
  uint64_t next_subscriber_ = 1;
  std::atomic<bool> subscribers_empty_{true};  // skips the per-event lookup when nobody listens
};

namespace {
std::string Key(std::string_view kind, CivilMonth period, std::string_view site, uint64_t position) {
  return std::string(kind) + '|' + FormatMonth(period) + '|' + std::string(site) + '|' + std::to_string(position);
}
}  // namespace

ScoreProjection::ScoreProjection(const EventStore* store, ScoreProjectionOptions options)
    : impl_(std::make_unique<Impl>(store, options)) {}
ScoreProjection::~ScoreProjection() = default;

Status ScoreProjection::CatchUp() { return impl_->CatchUp(); }

uint64_t ScoreProjection::Subscribe(ChangeFn fn) {
  std::lock_guard lock(impl_->subscribers_mu_);
  uint64_t id = impl_->next_subscriber_++;
  impl_->subscribers_.emplace(id, std::move(fn));
  impl_->subscribers_empty_ = false;
  return id;
}

void ScoreProjection::Unsubscribe(uint64_t id) {
  std::lock_guard lock(impl_->subscribers_mu_);
  impl_->subscribers_.erase(id);
  impl_->subscribers_empty_ = impl_->subscribers_.empty();
}
uint64_t ScoreProjection::Applied() const { return impl_->Applied(); }

Result<std::string> ScoreProjection::Scores(CivilMonth period, std::optional<uint64_t> as_of) {
  auto pos = impl_->Pin(as_of);
  if (!pos.ok()) return pos.status();
  return impl_->Cached(Key("scores", period, "", *pos), [&](const ScoreBook& book) -> Result<std::string> {
    return ScoresJson(book.Scores(period, *pos));
  });
}

Result<std::string> ScoreProjection::SiteScores(std::string_view site_id, CivilMonth period,
                                                std::optional<uint64_t> as_of) {
  auto pos = impl_->Pin(as_of);
  if (!pos.ok()) return pos.status();
  return impl_->Cached(Key("site", period, site_id, *pos), [&](const ScoreBook& book) {
    return SiteScoresJson(book.Scores(period, *pos), site_id);
  });
}

Result<std::string> ScoreProjection::Notice(CivilMonth period, std::optional<uint64_t> as_of, bool csv) {
  auto pos = impl_->Pin(as_of);
  if (!pos.ok()) return pos.status();
  NoticeInfo info = [&] {
    std::shared_lock lock(impl_->book_mu_);
    return impl_->book_.Notice(period, *pos);
  }();
  // Keyed by what the notice depends on: a published one by its publication
  // (whatever the as_of it is read at), a provisional one by its position.
  std::string key = Key(csv ? "notice.csv" : "notice", period, "", info.cutoff_position) + '|' +
                    std::to_string(info.published_position);
  return impl_->Cached(key, [&](const ScoreBook& book) -> Result<std::string> {
    PeriodScores scores = book.Scores(period, info.cutoff_position);
    return csv ? NoticeCsv(info, scores) : NoticeJson(info, scores);
  });
}

Result<std::string> ScoreProjection::Policies(std::optional<uint64_t> as_of, Micros now) {
  auto pos = impl_->Pin(as_of);
  if (!pos.ok()) return pos.status();
  std::shared_lock lock(impl_->book_mu_);
  PolicyBook book = impl_->book_.PoliciesAt(*pos);
  std::string out = "{\"as_of\":" + std::to_string(*pos) + ",\"current\":";
  const Policy& current = book.At(now);
  out += current.ToJson() + ",\"policies\":[";
  bool default_replaced = !book.all().empty() && book.all().front().effective_from == DefaultPolicy().effective_from;
  bool first = true;
  if (!default_replaced) {
    out += DefaultPolicy().ToJson();
    first = false;
  }
  for (const Policy& p : book.all()) {
    if (!first) out += ',';
    out += p.ToJson();
    first = false;
  }
  return out + "]}";
}

Result<PublishedNotice> ScoreProjection::Publish(EventStore* store, const Principal& actor, std::string_view body,
                                                 const CommandMeta& meta, Micros now) {
  auto period = ParsePublishNotice(body);
  if (!period.ok()) return period.status();
  std::lock_guard publishing(impl_->publish_mu_);
  for (int attempt = 0;; ++attempt) {
    auto version = store->StreamVersion(std::string(kNoticesStream));
    if (!version.ok()) return version.status();
    REDLEDGER_RETURN_IF_ERROR(impl_->CatchUp());
    Result<DomainEvent> event = [&] {
      std::shared_lock lock(impl_->book_mu_);
      return DecidePublishNotice(*period, actor, now, impl_->book_.position(), impl_->book_);
    }();
    if (!event.ok()) return event.status();
    AppendPart part{std::string(kNoticesStream), ExpectedVersion::Exact(*version),
                    ToNewEvents({*event}, actor.ToActor(), actor.id, meta)};
    auto appended = store->Append({std::move(part)});
    // Another process published some notice meanwhile: decide again against it.
    if (!appended.ok() && appended.status().IsVersionConflict() && attempt < 3) continue;
    if (!appended.ok()) return appended.status();
    auto doc = Notice(*period, appended->last_position, false);
    if (!doc.ok()) return doc.status();
    std::shared_lock lock(impl_->book_mu_);
    NoticeInfo info = impl_->book_.Notice(*period, appended->last_position);
    return PublishedNotice{info.published_position, info.cutoff_position, std::move(*doc)};
  }
}

}  // namespace redledger
