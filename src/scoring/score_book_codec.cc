// ScoreBook snapshots. Integers are big-endian u64 (i64 as its two's
// complement), strings are u64 length ‖ bytes:
//
//   snapshot := "RLSB" ‖ u64 format (1) ‖ u64 position
//               ‖ u64 n ‖ site{n}     ‖ u64 n ‖ demand{n}
//               ‖ u64 n ‖ policy{n}   ‖ u64 n ‖ notice{n}
//               ‖ sha256(everything before)
//   site     := str id ‖ u64 registered_position
//               ‖ u64 n ‖ (u64 position ‖ str name ‖ str district ‖ str street ‖ str community){n}
//               ‖ u64 n ‖ (u64 position ‖ i64 held_at){n}
//   demand   := str id ‖ u64 raised_position ‖ i64 raised_at ‖ i64 response_due ‖ u64 site
//               ‖ u64 n ‖ (u64 position ‖ i64 at ‖ i64 due ‖ u64 kind ‖ u64 rating){n}
//   policy   := str EncodeEnvelope(the policy.set envelope)
//   notice   := u64 year ‖ u64 month ‖ u64 cutoff_position ‖ u64 published_position
#include <cstring>

#include "redledger/codec.h"
#include "redledger/encoding.h"
#include "scoring/score_book_impl.h"

namespace redledger {

using namespace scoring_internal;

namespace {

constexpr std::string_view kMagic = "RLSB";
constexpr uint64_t kFormat = 1;

class Writer {
 public:
  void U(uint64_t v) { PutBigEndian64(&out_, v); }
  void I(int64_t v) { U(static_cast<uint64_t>(v)); }
  void S(std::string_view s) {
    U(s.size());
    out_.append(s);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint64_t U() {
    if (in_.size() - pos_ < 8) return Fail();
    uint64_t v = GetBigEndian64(in_.data() + pos_);
    pos_ += 8;
    return v;
  }
  int64_t I() { return static_cast<int64_t>(U()); }
  std::string S() {
    uint64_t n = U();
    if (in_.size() - pos_ < n) return Fail(), std::string();
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // A count of items each at least `min_bytes` long: bounded by what is left.
  uint64_t Count(size_t min_bytes) {
    uint64_t n = U();
    return n > (in_.size() - pos_) / min_bytes ? Fail() : n;
  }
  bool ok() const { return ok_; }

 private:
  uint64_t Fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

std::string ScoreBook::Snapshot() const {
  const Impl& s = *impl_;
  Writer w;
  w.out().append(kMagic);
  w.U(kFormat);
  w.U(s.position);
  w.U(s.sites.size());
  for (const SiteHistory& h : s.sites) {
    w.S(h.id);
    w.U(h.registered_position);
    w.U(h.versions.size());
    for (const auto& [pos, info] : h.versions) {
      w.U(pos);
      w.S(info.name);
      w.S(info.district);
      w.S(info.street);
      w.S(info.community);
    }
    w.U(h.activities.size());
    for (const auto& [pos, held] : h.activities) {
      w.U(pos);
      w.I(held);
    }
  }
  std::vector<const std::string*> ids(s.demands.size());
  for (const auto& [id, index] : s.demand_index) ids[index] = &id;
  w.U(s.demands.size());
  for (size_t i = 0; i < s.demands.size(); ++i) {
    const DemandRecord& d = s.demands[i];
    w.S(*ids[i]);
    w.U(d.raised_position);
    w.I(d.raised_at);
    w.I(d.response_due);
    w.U(d.site);
    w.U(d.steps.size());
    for (const Step& st : d.steps) {
      w.U(st.position);
      w.I(st.at);
      w.I(st.due);
      w.U(static_cast<uint64_t>(st.kind));
      w.U(static_cast<uint64_t>(st.rating));
    }
  }
  w.U(s.policy_events.size());
  for (const Envelope& e : s.policy_events) w.S(EncodeEnvelope(e));
  w.U(s.notices.size());
  for (const auto& [month, n] : s.notices) {
    w.U(static_cast<uint64_t>(month.year));
    w.U(static_cast<uint64_t>(month.month));
    w.U(n.cutoff_position);
    w.U(n.published_position);
  }
  Hash256 sum = Sha256(w.out());
  w.out().append(reinterpret_cast<const char*>(sum.data()), sum.size());
  return std::move(w.out());
}

Result<ScoreBook> ScoreBook::FromSnapshot(std::string_view bytes) {
  auto bad = [](std::string what) { return Status::Corruption("score snapshot: " + what); };
  if (bytes.size() < kMagic.size() + 32 || bytes.substr(0, kMagic.size()) != kMagic) return bad("not a snapshot");
  std::string_view body = bytes.substr(0, bytes.size() - 32);
  Hash256 sum = Sha256(body);
  if (std::memcmp(sum.data(), bytes.data() + body.size(), 32) != 0) return bad("checksum mismatch");
  Reader r(body.substr(kMagic.size()));
  if (r.U() != kFormat) return bad("unknown format version");
  ScoreBook book;
  Impl& s = *book.impl_;
  s.position = r.U();
  for (uint64_t n = r.Count(24); n > 0 && r.ok(); --n) {
    SiteHistory h;
    h.id = r.S();
    h.registered_position = r.U();
    for (uint64_t k = r.Count(40); k > 0 && r.ok(); --k) {
      uint64_t pos = r.U();
      SiteInfo info{r.S(), r.S(), r.S(), r.S()};
      h.versions.emplace_back(pos, std::move(info));
    }
    for (uint64_t k = r.Count(16); k > 0 && r.ok(); --k) {
      uint64_t pos = r.U();
      h.activities.emplace_back(pos, r.I());
    }
    s.site_index.emplace(h.id, static_cast<uint32_t>(s.sites.size()));
    s.sites.push_back(std::move(h));
  }
  for (uint64_t n = r.Count(48); n > 0 && r.ok(); --n) {
    std::string id = r.S();
    DemandRecord d;
    d.raised_position = r.U();
    d.raised_at = r.I();
    d.response_due = r.I();
    uint64_t site = r.U();
    if (site >= s.sites.size()) return bad("demand of an unknown site");
    d.site = static_cast<uint32_t>(site);
    for (uint64_t k = r.Count(40); k > 0 && r.ok(); --k) {
      Step st;
      st.position = r.U();
      st.at = r.I();
      st.due = r.I();
      uint64_t kind = r.U(), rating = r.U();
      if (kind > static_cast<uint64_t>(StepKind::kDuplicate) || rating > static_cast<uint64_t>(Rating::kDissatisfied))
        return bad("unknown step");
      st.kind = static_cast<StepKind>(kind);
      st.rating = static_cast<Rating>(rating);
      d.steps.push_back(st);
    }
    s.demand_index.emplace(std::move(id), static_cast<uint32_t>(s.demands.size()));
    s.demands.push_back(std::move(d));
  }
  for (uint64_t n = r.Count(8); n > 0 && r.ok(); --n) {
    auto e = DecodeEnvelope(r.S());
    if (!e.ok()) return e.status();
    REDLEDGER_RETURN_IF_ERROR(s.policies.Apply(*e));
    s.policy_events.push_back(std::move(*e));
  }
  for (uint64_t n = r.Count(32); n > 0 && r.ok(); --n) {
    CivilMonth m{static_cast<int>(r.U()), 0};
    m.month = static_cast<int>(r.U());
    uint64_t cutoff = r.U(), published = r.U();
    s.notices.emplace(m, NoticeInfo{m, cutoff, published});
  }
  if (!r.ok()) return bad("truncated");
  return book;
}

}  // namespace redledger
