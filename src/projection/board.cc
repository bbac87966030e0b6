// The public board of each site: its publicised demands as residents may
// see them (redledger/views.h BoardItem says what is left out).
//
//   "B" ‖ site ‖ 0x00 ‖ BE64(~raised_position) -> item
//   item := str demand_id ‖ str category ‖ str title ‖ str status ‖
//           str compound_id ‖ i64 raised_at ‖ opti64 accepted_at ‖
//           opti64 resolved_at ‖ opti64 closed_at ‖ str notice ‖
//           i64 publicized_at ‖ i64 publicized_until ‖ u64 note_count ‖
//           (str note ‖ i64 at) × note_count ‖ optstr outcome ‖
//           optstr rating ‖ opti64 score
//
// The item is a function of the demand's fold; it is rewritten whenever an
// event of a publicised demand changes it. Nothing is read from the event
// but through the fold's public fields, so personal data and internal notes
// cannot reach it.
#include "projection/kv.h"
#include "projection/projection_base.h"
#include "redledger/domain.h"

namespace redledger::projection_internal {

namespace {

BoardItem ItemOf(const DemandFold& f) {
  const DemandState& s = f.state;
  BoardItem b;
  b.demand_id = s.id;
  b.category = s.category;
  b.title = s.title;
  b.status = DemandStatusName(s.status);
  b.compound_id = s.compound_id;
  b.raised_at = s.raised_at;
  b.accepted_at = s.accepted_at;
  b.resolved_at = s.resolved_at;
  b.closed_at = s.closed_at;
  b.notice = f.notice;
  b.publicized_at = f.publicized_at;
  b.publicized_until = f.publicized_until;
  for (const DemandNote& n : f.notes) {
    if (n.kind == "progress" && n.visibility == "public") b.notes.push_back(BoardNote{n.note, n.at});
  }
  b.outcome = f.resolution_summary;
  if (s.evaluation) {
    b.rating = s.evaluation->rating;
    b.score = s.evaluation->score;
  }
  b.raised_position = f.raised_position;
  return b;
}

std::string EncodeItem(const BoardItem& b) {
  ValueWriter w;
  w.Str(b.demand_id).Str(b.category).Str(b.title).Str(b.status).Str(b.compound_id).I64(b.raised_at);
  w.OptI64(b.accepted_at).OptI64(b.resolved_at).OptI64(b.closed_at).Str(b.notice);
  w.I64(b.publicized_at).I64(b.publicized_until).U64(b.notes.size());
  for (const BoardNote& n : b.notes) w.Str(n.note).I64(n.at);
  w.OptStr(b.outcome).OptStr(b.rating).OptI64(b.score);
  return w.Done();
}

bool DecodeItem(std::string_view v, BoardItem* b) {
  ValueReader in(v);
  b->demand_id = in.Str();
  b->category = in.Str();
  b->title = in.Str();
  b->status = in.Str();
  b->compound_id = in.Str();
  b->raised_at = in.I64();
  b->accepted_at = in.OptI64();
  b->resolved_at = in.OptI64();
  b->closed_at = in.OptI64();
  b->notice = in.Str();
  b->publicized_at = in.I64();
  b->publicized_until = in.I64();
  uint64_t n = in.U64();
  for (uint64_t i = 0; i < n && in.ok(); ++i) {
    std::string note = in.Str();
    b->notes.push_back(BoardNote{std::move(note), in.I64()});
  }
  b->outcome = in.OptStr();
  b->rating = in.OptStr();
  b->score = in.OptI64();
  return in.ok();
}

std::string BoardPrefix(std::string_view site) {
  std::string k = "B";
  k.append(site);
  k.push_back('\0');
  return k;
}

class BoardProjection final : public Projection {
 public:
  std::string_view name() const override { return kBoardName; }
  uint32_t version() const override { return 1; }
  bool folds_demands() const override { return true; }

  Status Apply(const Envelope& e, ApplyContext* ctx) override {
    if (DemandIdOfStream(e.stream).empty()) return Status::OK();
    std::optional<std::string> was;
    auto after = ctx->Fold(e, [&](const DemandFold& before) {
      if (before.state.publicized) was = EncodeItem(ItemOf(before));
    });
    if (!after.ok()) return after.status();
    const DemandFold& f = **after;
    if (!f.state.publicized) return Status::OK();
    std::string item = EncodeItem(ItemOf(f));
    if (was == item) return Status::OK();
    ctx->Put(KeyBE(BoardPrefix(f.state.site_id), ~f.raised_position), item);
    ctx->Changed(ProjectionChange::Kind::kBoard, f.state.site_id);
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<Projection> NewBoardProjection() { return std::make_unique<BoardProjection>(); }

Result<PublicBoard> ReadBoard(const StateReader& r, std::string_view site_id, uint64_t before_raised, size_t limit) {
  PublicBoard board;
  board.site_id = std::string(site_id);
  std::string prefix = BoardPrefix(site_id);
  auto it = r.Scan(prefix, PrefixEnd(prefix));
  it->Seek(before_raised ? KeyBE(prefix, ~(before_raised - 1)) : prefix);
  for (; it->Valid(); it->Next()) {
    if (board.items.size() == limit) {
      board.next_cursor = MakeCursor(0, board.items.back().raised_position);
      break;
    }
    BoardItem b;
    if (!DecodeItem(it->value(), &b)) return Status::Corruption("board: malformed item");
    b.raised_position = ~GetBigEndian64(it->key().data() + prefix.size());
    board.items.push_back(std::move(b));
  }
  REDLEDGER_RETURN_IF_ERROR(it->status());
  return board;
}

}  // namespace redledger::projection_internal
