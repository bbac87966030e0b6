// redledger replay: the read models as they stood at a past position or
// time. The log up to that position is copied (verbatim, hash-checked) into
// a fresh data directory and the projections are built over it from
// position 1, so the result is a real data directory of the past: a server
// can even be started on it.
#include <filesystem>
#include <ostream>

#include "cli/common.h"
#include "redledger/projection.h"
#include "redledger/score_projection.h"

namespace redledger::cli {
namespace {

constexpr char kUsage[] = R"(redledger replay --data-dir D --until <time|position> --out DIR [--site S] [--period YYYY-MM]: the projections as they stood then
  --data-dir D            the data directory (opened read-only; safe while the server runs)
  --until T               a log position, or an RFC 3339 time meaning the last position
                          recorded at or before it
  --out DIR               a new data directory: the log up to T and the read models built over it
  --site S                print site S's ledger (一本账) as it stood
  --period YYYY-MM        print the month's ranking notice as it stood (default: the month
                          of the last replayed event, +08:00)
)";

// The largest position recorded at or before `t` (recorded_at never decreases).
Result<uint64_t> PositionAt(const EventStore& store, Micros t) {
  uint64_t lo = 0, hi = store.Head();  // invariant: position lo is at or before t (0: none)
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo + 1) / 2;
    Result<Envelope> e = store.ReadAt(mid);
    if (!e.ok()) return e.status();
    if (e->recorded_at <= t) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

Result<uint64_t> ResolveUntil(const EventStore& store, const std::string& until) {
  if (!until.empty() && until.find_first_not_of("0123456789") == std::string::npos) {
    uint64_t p = std::stoull(until);
    if (p > store.Head()) return Status::InvalidArgument("--until " + until + " is beyond the head " + std::to_string(store.Head()));
    return p;
  }
  Result<Micros> t = ParseRfc3339(until);
  if (!t.ok()) return Status::InvalidArgument("--until wants a position or an RFC 3339 time, got '" + until + "'");
  return PositionAt(store, *t);
}

int Run(const std::vector<std::string>& args, Io io) {
  const std::string cmd = "replay";
  Result<Flags> flags = Flags::Parse(args, {"data-dir", "until", "out", "site", "period"}, {});
  if (!flags.ok()) return Fail(io, cmd, flags.status().message() + " (see --help)", 2);
  Result<std::string> data_dir = flags->Required("data-dir");
  Result<std::string> until_text = flags->Required("until");
  Result<std::string> out_dir = flags->Required("out");
  for (const Status& s : {data_dir.status(), until_text.status(), out_dir.status()}) {
    if (!s.ok()) return Fail(io, cmd, s.message() + " (see --help)", 2);
  }
  std::optional<CivilMonth> period;
  if (auto p = flags->Get("period")) {
    Result<CivilMonth> m = ParseMonth(*p);
    if (!m.ok()) return Fail(io, cmd, "--period wants YYYY-MM, got '" + *p + "'", 2);
    period = *m;
  }
  if (std::filesystem::exists(LogDir(*out_dir))) return Fail(io, cmd, *out_dir + " already holds a log; give a new directory", 2);

  Result<std::unique_ptr<EventStore>> source = OpenLogReadOnly(*data_dir);
  if (!source.ok()) return Fail(io, cmd, source.status().message());
  Result<uint64_t> until = ResolveUntil(**source, *until_text);
  if (!until.ok()) return Fail(io, cmd, until.status().message(), 2);
  if (*until == 0) return Fail(io, cmd, "no event was recorded by " + *until_text);

  // Copy 1..until, each event's hash checked by ReadAll.
  std::error_code ec;
  std::filesystem::create_directories(*out_dir, ec);
  std::vector<Envelope> batch;
  size_t next_in_batch = 0;
  uint64_t copied = 0;
  Result<uint64_t> head = ImportEnvelopes(LogDir(*out_dir), [&](Envelope* e) -> Result<bool> {
    if (next_in_batch == batch.size()) {
      if (copied == *until) return false;
      Result<std::vector<Envelope>> read = (*source)->ReadAll(copied, std::min<uint64_t>(1000, *until - copied));
      if (!read.ok()) return read.status();
      batch = std::move(read).value();
      next_in_batch = 0;
    }
    *e = std::move(batch[next_in_batch++]);
    ++copied;
    return true;
  });
  if (!head.ok()) return Fail(io, cmd, head.status().message());
  Result<Envelope> last = (*source)->ReadAt(*until);
  if (!last.ok()) return Fail(io, cmd, last.status().message());
  source->reset();

  Result<std::unique_ptr<EventStore>> store = OpenRocksEventStore(LogDir(*out_dir), StoreOptions{});
  if (!store.ok()) return Fail(io, cmd, store.status().message());
  Result<std::unique_ptr<ProjectionRunner>> runner =
      ProjectionRunner::Open(store->get(), *out_dir + "/projections", ProjectionOptions{});
  if (!runner.ok()) return Fail(io, cmd, runner.status().message());
  if (Status s = (*runner)->WaitFor(*until, std::chrono::hours(24)); !s.ok()) {
    return Fail(io, cmd, "building the projections: " + (*runner)->health().ToString());
  }
  io.out << "replayed positions 1.." << *until << " (last recorded at " << FormatRfc3339(last->recorded_at) << ") into "
         << *out_dir << "\n";
  if (auto site = flags->Get("site")) {
    Result<SiteLedger> ledger = (*runner)->views().Ledger(*site, std::nullopt);
    if (!ledger.ok()) return Fail(io, cmd, ledger.status().message());
    io.out << "ledger of site " << *site << " as of position " << *until << ":\n" << SiteLedgerJson(*ledger) << "\n";
  }
  ScoreProjectionOptions score_options;
  score_options.checkpoint_path = *out_dir + "/scores.checkpoint";
  ScoreProjection scores(store->get(), score_options);
  const CivilMonth month = period.value_or(MonthAt(last->recorded_at, 8 * 60));
  Result<std::string> notice = scores.Notice(month, std::nullopt);
  if (!notice.ok()) return Fail(io, cmd, notice.status().message());
  io.out << "notice of " << FormatMonth(month) << " as of position " << *until << ":\n" << *notice << "\n";
  return 0;
}

}  // namespace

Command ReplayCommand() { return {"replay", kUsage, Run}; }

}  // namespace redledger::cli
