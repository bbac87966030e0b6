// redledger show and tail: events for an operator at a terminal.
#include <chrono>
#include <ostream>
#include <thread>

#include "cli/common.h"
#include "redledger/codec.h"

namespace redledger::cli {
namespace {

constexpr char kShowUsage[] = R"(redledger show --data-dir D (--stream S | --from P [--to Q]) [--json]: print events
  --data-dir D            the data directory (opened read-only; safe while the server runs)
  --stream S              a stream's events (e.g. demand-<id>, site-<id>, policy)
  --from P, --to Q        a position range (default --to: P + 99, at most the head)
  --json                  one envelope per line (personal data as ciphertext) instead of text
)";

constexpr char kTailUsage[] = R"(redledger tail --data-dir D [--after P] [--interval-ms N] [--count N] [--json]: follow new events
  --data-dir D            the data directory (read beside the running server)
  --after P               start after position P (default: the head when started)
  --interval-ms N         how often to look for new events (default 1000)
  --count N               stop after N events (default: follow until interrupted)
  --json                  one envelope per line instead of text
)";

// One line per event: position, time, stream and version, type, actor, data.
void PrintEvent(std::ostream& out, const Envelope& e, bool json) {
  if (json) {
    out << EnvelopeJson(e) << "\n";
    return;
  }
  out << "#" << e.position << "  " << FormatRfc3339(e.recorded_at) << "  " << e.stream << " v" << e.version << "  "
      << e.type << "  by " << e.actor.id << " (" << e.actor.role;
  if (e.actor.unit) out << ", unit " << *e.actor.unit;
  out << ")  " << e.data;
  if (!e.personal.empty()) out << "  [personal data sealed]";
  out << "\n";
}

int RunShow(const std::vector<std::string>& args, Io io) {
  const std::string cmd = "show";
  Result<Flags> flags = Flags::Parse(args, {"data-dir", "stream", "from", "to"}, {"json"});
  if (!flags.ok()) return Fail(io, cmd, flags.status().message() + " (see --help)", 2);
  Result<std::string> data_dir = flags->Required("data-dir");
  if (!data_dir.ok()) return Fail(io, cmd, data_dir.status().message(), 2);
  if (flags->Has("stream") == flags->Has("from")) return Fail(io, cmd, "give --stream or --from (see --help)", 2);
  const bool json = flags->Has("json");
  Result<std::unique_ptr<EventStore>> store = OpenLogReadOnly(*data_dir);
  if (!store.ok()) return Fail(io, cmd, store.status().message());
  if (auto stream = flags->Get("stream")) {
    for (uint64_t from = 1;;) {
      Result<std::vector<Envelope>> events = (*store)->ReadStream(*stream, from, EventStore::Direction::kForward, 1000);
      if (!events.ok()) return Fail(io, cmd, events.status().message());
      if (events->empty()) {
        if (from == 1) return Fail(io, cmd, "no stream " + *stream);
        return 0;
      }
      for (const Envelope& e : *events) PrintEvent(io.out, e, json);
      from = events->back().version + 1;
    }
  }
  Result<uint64_t> from = flags->Number("from", std::nullopt);
  if (!from.ok() || *from == 0) return Fail(io, cmd, "--from wants a position >= 1", 2);
  Result<uint64_t> to = flags->Number("to", std::min((*store)->Head(), *from + 99));
  if (!to.ok()) return Fail(io, cmd, to.status().message(), 2);
  if (*to > (*store)->Head()) return Fail(io, cmd, "--to is beyond the head " + std::to_string((*store)->Head()), 2);
  for (uint64_t after = *from - 1; after < *to;) {
    Result<std::vector<Envelope>> events = (*store)->ReadAll(after, std::min<uint64_t>(1000, *to - after));
    if (!events.ok()) return Fail(io, cmd, events.status().message());
    for (const Envelope& e : *events) PrintEvent(io.out, e, json);
    after += events->size();
  }
  return 0;
}

int RunTail(const std::vector<std::string>& args, Io io) {
  const std::string cmd = "tail";
  Result<Flags> flags = Flags::Parse(args, {"data-dir", "after", "interval-ms", "count"}, {"json"});
  if (!flags.ok()) return Fail(io, cmd, flags.status().message() + " (see --help)", 2);
  Result<std::string> data_dir = flags->Required("data-dir");
  Result<uint64_t> interval = flags->Number("interval-ms", 1000);
  Result<uint64_t> count = flags->Number("count", UINT64_MAX);
  for (const Status& s : {data_dir.status(), interval.status(), count.status()}) {
    if (!s.ok()) return Fail(io, cmd, s.message() + " (see --help)", 2);
  }
  const bool json = flags->Has("json");
  std::optional<uint64_t> after;
  if (flags->Has("after")) {
    Result<uint64_t> a = flags->Number("after", std::nullopt);
    if (!a.ok()) return Fail(io, cmd, a.status().message(), 2);
    after = *a;
  }
  uint64_t printed = 0;
  while (printed < *count) {
    // A secondary sees the store as of its open: reopen to see new events.
    Result<std::unique_ptr<EventStore>> store = OpenLogReadOnly(*data_dir);
    if (!store.ok()) return Fail(io, cmd, store.status().message());
    if (!after) after = (*store)->Head();
    while (*after < (*store)->Head() && printed < *count) {
      Result<std::vector<Envelope>> events =
          (*store)->ReadAll(*after, std::min<uint64_t>(1000, *count - printed));
      if (!events.ok()) return Fail(io, cmd, events.status().message());
      for (const Envelope& e : *events) PrintEvent(io.out, e, json);
      io.out.flush();
      *after += events->size();
      printed += events->size();
    }
    if (printed < *count) std::this_thread::sleep_for(std::chrono::milliseconds(*interval));
  }
  return 0;
}

}  // namespace

Command ShowCommand() { return {"show", kShowUsage, RunShow}; }
Command TailCommand() { return {"tail", kTailUsage, RunTail}; }

}  // namespace redledger::cli
