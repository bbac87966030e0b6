// Read models (DESIGN §4 "Queries"): the demand view and its history, demand
// lists, the site ledger (一本账), the audit trail and a site's public board;
// plain result structs and, for each, the JSON the HTTP layer serves as-is.
//
// As of a position. The demand view, history, lists and ledger take `as_of`
// and answer exactly as they would have when the log ended there:
//  - the demand view and history replay the demand's stream up to `as_of`
//    (streams are short), reading the event store directly;
//  - lists and ledgers read versioned keys (… ‖ BE(position)), so `as_of` is
//    a seek to the last version at or before it, never a replay;
//  - PositionAt converts an RFC 3339 time to the largest position recorded at
//    or before it by binary search over the log (recorded_at never
//    decreases), O(log n) reads.
// nullopt `as_of` means "now": the store head for store-backed answers and
// the projections' applied position for the others. A cursor carries the
// position of its first page, so paging is stable while events arrive.
//
// Access control is the caller's: these functions answer for a fully
// privileged reader, except where a render option says otherwise.
//
// Thread safety: ReadModels is safe to call concurrently; results are values.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/clock.h"
#include "redledger/demand.h"
#include "redledger/envelope.h"
#include "redledger/status.h"

namespace redledger {

// ---- Demand view: GET /v1/demands/{id} ----

struct DemandNote {
  // accept, assign, decline, return, publicize, progress, supervise, resolve, close
  std::string kind;
  std::string visibility;  // public / internal
  std::string note;
  std::optional<std::string> unit_id;
  std::string actor_id;
  Micros at = 0;
  uint64_t position = 0;
};

struct DemandView {
  uint64_t as_of = 0;  // the position answered at
  DemandState state;
  // nonce ‖ ciphertext ‖ tag of {"name","phone"} from demand.raised, for the
  // caller to open (or mask) with the vault; empty when none.
  std::string reporter_personal;
  std::vector<DemandNote> notes;  // in log order, public and internal
};

// What the caller decided to show of the reporter (decrypted, masked or
// erased) and whether internal notes are visible to this reader.
struct DemandViewRender {
  std::optional<std::string> reporter_name;   // null when not given
  std::optional<std::string> reporter_phone;  // null when not given
  bool internal_notes = false;
};
// The DESIGN §4 fields; `reporter` is {subject_id, name, phone}.
std::string DemandViewJson(const DemandView& v, const DemandViewRender& render);

// ---- History: GET /v1/demands/{id}/history ----

struct DemandHistory {
  uint64_t as_of = 0;
  std::vector<Envelope> events;  // the stream's events with position <= as_of
};
// {"events":[<envelope>…]}: full envelopes with hashes; `personal` only as
// ciphertext (base64), so each hash can be checked.
std::string DemandHistoryJson(const DemandHistory& h);

// ---- Lists: GET /v1/demands?site_id=&status=&unit_id=&overdue=&cursor=&limit= ----

struct DemandListItem {
  std::string demand_id, site_id, category, title, urgency;
  std::string status;  // DemandStatusName
  std::optional<std::string> assigned_unit;
  bool overdue = false;
  Micros raised_at = 0;
  uint64_t raised_position = 0;  // the order key (not rendered)
  friend bool operator==(const DemandListItem&, const DemandListItem&) = default;
};

struct DemandQuery {
  std::optional<std::string> site_id;
  std::optional<std::string> status;  // a DemandStatusName or "open"
  std::optional<std::string> unit_id;
  std::optional<bool> overdue;
  std::optional<std::string> cursor;   // next_cursor of a previous page
  size_t limit = 100;                  // 1..1000
  std::optional<uint64_t> as_of;       // ignored when a cursor is given
};

// Newest first (by the position of demand.raised).
struct DemandPage {
  uint64_t as_of = 0;
  std::vector<DemandListItem> items;
  std::optional<std::string> next_cursor;
};
// {"items":[{demand_id, site_id, category, title, urgency, status,
// assigned_unit, overdue, raised_at}…],"next_cursor":…|null}
std::string DemandPageJson(const DemandPage& p);

// ---- Site ledger (一本账): GET /v1/sites/{id}/ledger ----

struct StatusCounts {
  int64_t raised = 0, accepted = 0, assigned = 0, resolved = 0, closed = 0, declined = 0;
  friend bool operator==(const StatusCounts&, const StatusCounts&) = default;
};

struct LedgerResolution {
  std::string demand_id, title, unit_id, summary;
  Micros resolved_at = 0;
  bool on_time = false;
  uint64_t position = 0;
  friend bool operator==(const LedgerResolution&, const LedgerResolution&) = default;
};

struct SiteLedger {
  std::string site_id;
  uint64_t as_of = 0;
  StatusCounts counts;   // demands by current status
  int64_t total = 0;     // demands raised at the site
  int64_t open = 0;      // raised + accepted + assigned
  int64_t overdue = 0;
  std::vector<DemandListItem> open_items;     // newest first, at most ProjectionOptions::ledger_items
  std::vector<DemandListItem> overdue_items;  // likewise
  std::vector<LedgerResolution> recent_resolutions;  // newest first
  // Time to accept: demand.accepted − demand.raised, over accepted demands.
  // Time to resolve: first demand.resolved − demand.raised, over resolved ones.
  int64_t accept_count = 0, resolve_count = 0;
  int64_t accept_seconds_total = 0, resolve_seconds_total = 0;
  std::optional<int64_t> AvgAcceptSeconds() const;
  std::optional<int64_t> AvgResolveSeconds() const;
  friend bool operator==(const SiteLedger&, const SiteLedger&) = default;
};
// {"site_id","position","counts":{raised…declined},"total","open","overdue",
//  "open_items":[list item…],"overdue_items":[…],"recent_resolutions":[{demand_id,
//  title, unit_id, summary, resolved_at, on_time, position}…],
//  "avg_accept_seconds":…|null,"avg_resolve_seconds":…|null,
//  "accept_count","resolve_count"}
std::string SiteLedgerJson(const SiteLedger& l);

// ---- Audit: GET /v1/audit?actor=&site_id=&type=&from=&to=&cursor=&limit= ----

struct AuditQuery {
  std::optional<std::string> actor;    // actor.id
  std::optional<std::string> site_id;  // events of the site's streams and of its demands
  std::optional<std::string> type;
  std::optional<Micros> from, to;      // recorded_at, inclusive
  std::optional<std::string> cursor;
  size_t limit = 100;                  // 1..1000
  bool include_access = false;         // events of the `access` stream (admins only)
};

// Oldest first (by position).
struct AuditPage {
  std::vector<Envelope> items;
  std::optional<std::string> next_cursor;
};
// {"items":[<envelope, personal as ciphertext>…],"next_cursor":…|null}
std::string AuditPageJson(const AuditPage& p);

// ---- Public board: GET /public/sites/{id}/board ----

struct BoardNote {
  std::string note;
  Micros at = 0;
  friend bool operator==(const BoardNote&, const BoardNote&) = default;
};

// A publicised demand as residents may see it: no reporter, no description,
// no location beyond the compound, no attachments, no internal note, no
// evaluation comment.
struct BoardItem {
  std::string demand_id, category, title, status, compound_id;
  Micros raised_at = 0;
  std::optional<Micros> accepted_at, resolved_at, closed_at;
  std::string notice;  // the publicity notice (公示)
  Micros publicized_at = 0, publicized_until = 0;
  std::vector<BoardNote> notes;       // public progress notes
  std::optional<std::string> outcome;  // the last resolution summary
  std::optional<std::string> rating;   // the last evaluation's rating
  std::optional<int64_t> score;
  uint64_t raised_position = 0;        // the order key (not rendered)
  friend bool operator==(const BoardItem&, const BoardItem&) = default;
};

struct PublicBoard {
  std::string site_id;
  std::vector<BoardItem> items;  // newest first
  std::optional<std::string> next_cursor;
};
// {"site_id","items":[{demand_id, category, title, status, compound_id,
// raised_at, accepted_at, resolved_at, closed_at, notice, publicized_at,
// publicized_until, notes:[{note, at}], outcome, rating, score}…],"next_cursor"}
std::string PublicBoardJson(const PublicBoard& b);

// ---- The queries ----

class ReadModels {
 public:
  virtual ~ReadModels() = default;

  // The position every read model has applied (see ProjectionRunner::Applied).
  virtual uint64_t Applied() const = 0;
  // The largest position whose recorded_at is at or before `t`; 0 when none.
  virtual Result<uint64_t> PositionAt(Micros t) const = 0;

  // NotFound when the demand did not exist at `as_of`; ValidationFailed
  // (field "as_of") beyond the store head.
  virtual Result<DemandView> Demand(std::string_view demand_id, std::optional<uint64_t> as_of) const = 0;
  virtual Result<DemandHistory> History(std::string_view demand_id, std::optional<uint64_t> as_of) const = 0;

  // The projection-backed queries answer Unavailable when `as_of` is beyond
  // Applied() (WaitFor first) and InvalidArgument for a bad cursor or limit.
  virtual Result<DemandPage> Demands(const DemandQuery& q) const = 0;
  // An unknown site answers zeros: checking that it exists is the caller's.
  virtual Result<SiteLedger> Ledger(std::string_view site_id, std::optional<uint64_t> as_of) const = 0;
  virtual Result<AuditPage> Audit(const AuditQuery& q) const = 0;
  virtual Result<PublicBoard> Board(std::string_view site_id, const std::optional<std::string>& cursor,
                                    size_t limit) const = 0;
};

}  // namespace redledger
