// Scoring (DESIGN §5): per site and month, the counts behind every rate, the
// rates, the composite under the policy in force for the month, the ranking,
// the red and black lists, roll-ups per street and district, and the monthly
// ranking notice (通报排名) as a byte-exact JSON document.
//
// ScoreBook is a pure fold over the log (no I/O, no clock): it keeps, per
// demand, the few facts scoring needs together with the log position at which
// each changed, so any period can be scored "as of" any position up to the
// fold's own — which is how a published notice is recomputed at its cutoff,
// forever, and how a rebuild from the log reproduces it byte for byte.
//
// Arithmetic (nothing hashed or published holds floating point):
//   - a rate is a percentage in hundredths, `x100` (8750 = 87.50 %), rounded
//     half up from its exact fraction: round(10000 · numerator / denominator);
//     null when the denominator is 0. Satisfaction's numerator and
//     denominator are in thousandths: 1000·satisfied + factor·basically
//     satisfied, of 1000·evaluated.
//   - return and reopen are "lower is better": the composite scores them as
//     10000 − rate, so a weight on them rewards their absence.
//   - composite_x100 = round(Σ wᵢ·vᵢ / Σ wᵢ) over the rates that are not null
//     (vᵢ the rounded rate, or its complement), i.e. the weight of a null
//     rate is shared pro rata among the others; rounding is half up, once.
//     The composite is null (the site unranked, on no list) when Σ wᵢ is 0.
//     An inspector recomputes it from the published rates and weights alone.
//   - ranks: 1 + the number of entries with a strictly greater composite
//     (ties share a rank: 1, 2, 2, 4); order within a tie is by id.
//   - lists: with n ranked sites and k = min(5, n / 2), the red list holds
//     the sites ranked ≤ k and the black list those with ≤ k sites strictly
//     below plus ties (a tie at the boundary is named whole); a site that
//     would be on both is on neither. With fewer than two ranked sites both
//     lists are empty.
//
// Cohorts: the month of an instant is the month M with start(M) ≤ t <
// start(M+1), start(M) being midnight on the 1st in the time zone of the
// policy for M (PolicyBook::ForMonth). Activities count by `held_at` the same
// way. Duplicates (closed with reason `duplicate` at the cutoff) are out.
//
// Thread safety: ScoreBook is not synchronised (ScoreProjection guards it);
// the functions are pure.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/clock.h"
#include "redledger/domain.h"
#include "redledger/envelope.h"
#include "redledger/policy.h"
#include "redledger/principal.h"
#include "redledger/status.h"

namespace redledger {

inline constexpr std::string_view kNoticesStream = "notices";
inline constexpr std::string_view kNoticePublished = "notice.published";

// What each demand of a cohort contributes, by its state at the cutoff.
struct ScoreCounts {
  int64_t raised = 0;                        // not duplicates
  int64_t responded_on_time = 0;             // accepted or declined by the response due time
  int64_t accepted = 0;
  int64_t declined = 0;
  int64_t assigned = 0;                      // assigned at least once
  int64_t returned = 0;                      // returned at least once
  int64_t resolved = 0;                      // resolved at least once
  int64_t resolved_not_reopened = 0;         // last resolve stands (not back in `assigned`)
  int64_t resolved_on_time = 0;              // last resolve by the resolve due time in force then
  int64_t reopened = 0;                      // reopened at least once
  int64_t evaluated = 0;                     // by the last evaluation:
  int64_t satisfied = 0;
  int64_t basically_satisfied = 0;
  int64_t dissatisfied = 0;
  int64_t publicized_before_resolution = 0;  // publicised before its first resolve
  int64_t activities = 0;                    // joint meetings and theme party days held

  ScoreCounts& operator+=(const ScoreCounts& o);
  friend bool operator==(const ScoreCounts&, const ScoreCounts&) = default;
};

// One rate of DESIGN §5, explained.
struct RateScore {
  std::string name;                     // one of kRateNames
  int64_t numerator = 0, denominator = 0;
  std::optional<int64_t> rate_x100;     // null when denominator == 0
  int64_t weight = 0;                   // the policy's integer percent
  std::optional<int64_t> points_x100;   // round(weight·v / Σw): its share of the composite
};

// A site, street or district in one period.
struct ScoreEntry {
  std::string id;  // site id; "<district>/<street>" for streets; the district name
  std::string name, district, street, community;  // as registered (empty where not applicable)
  int64_t sites = 1;                              // pooled sites (roll-ups)
  ScoreCounts counts;
  std::vector<RateScore> rates;                   // in kRateNames order
  std::optional<int64_t> composite_x100;          // null: unranked
  std::optional<int64_t> rank;
};

struct PeriodScores {
  CivilMonth period;
  uint64_t as_of = 0;  // the log position scored
  Policy policy;       // in force for the period
  std::vector<ScoreEntry> sites, streets, districts;  // ranked (by rank, then id), then unranked by id
  std::vector<std::string> red_list, black_list;     // site ids, in rank order
};

struct NoticeInfo {
  CivilMonth period;
  uint64_t cutoff_position = 0;
  uint64_t published_position = 0;  // 0: provisional
};

// Rates, composite from pooled counts under `policy` (pure; see the header
// comment for the arithmetic).
void ScoreEntryRates(const Policy& policy, ScoreEntry* entry);
// Ranks entries in place (sorted by rank then id; unranked last by id).
void RankEntries(std::vector<ScoreEntry>* entries);
// Red and black lists of ranked, sorted site entries.
void NameLists(const std::vector<ScoreEntry>& ranked_sites, std::vector<std::string>* red,
               std::vector<std::string>* black);

class ScoreBook {
 public:
  ScoreBook();
  ~ScoreBook();
  ScoreBook(ScoreBook&&) noexcept;
  ScoreBook& operator=(ScoreBook&&) noexcept;

  // Folds the next event. REQUIRES: events in position order, each once.
  // Types scoring does not use are skipped. Corruption on malformed data of
  // a type it uses.
  Status Apply(const Envelope& e);
  // The last position folded (0 before any).
  uint64_t position() const;

  // Every registered site's scores for `period` as of `as_of`, with the
  // policy in force for the period at that position.
  // REQUIRES: as_of <= position().
  PeriodScores Scores(CivilMonth period, uint64_t as_of) const;
  // The notice for `period` seen at `as_of`: at its cutoff when published at
  // or before `as_of`, provisional at `as_of` otherwise.
  // REQUIRES: as_of <= position().
  NoticeInfo Notice(CivilMonth period, uint64_t as_of) const;
  // The policies in force as of `as_of`.
  PolicyBook PoliciesAt(uint64_t as_of) const;
  // The site whose scores the folded event `e` may change: its id, "*" for
  // every site (a policy.set), or empty (none: other types, notices).
  std::string SiteAffectedBy(const Envelope& e) const;

  // The whole fold as bytes (grammar in src/scoring/score_book_codec.cc),
  // so a restart resumes from its position instead of replaying the log.
  std::string Snapshot() const;
  // Corruption when the bytes are damaged or of another format version.
  static Result<ScoreBook> FromSnapshot(std::string_view bytes);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Byte-exact documents (RFC 8785 canonical JSON: same input, same bytes).
// Scores: {"as_of","districts","period","policy","sites","streets"}.
std::string ScoresJson(const PeriodScores& scores);
// One site's entry plus {"as_of","period","policy"}; NotFound when the
// site is not registered at that position.
Result<std::string> SiteScoresJson(const PeriodScores& scores, std::string_view site_id);
// The notice: ScoresJson's members plus "status" ("provisional" |
// "published"), "cutoff_position", "published_position" (null while
// provisional), "red_list", "black_list".
std::string NoticeJson(const NoticeInfo& info, const PeriodScores& scores);
// The notice for office tools: one CSV row per site in rank order (RFC 4180,
// CRLF, UTF-8 with no BOM), rates and composite as "87.50", empty when null.
std::string NoticeCsv(const NoticeInfo& info, const PeriodScores& scores);

// POST /v1/notices body {"period": "YYYY-MM"}: shapes only (InvalidJson,
// InvalidArgument naming the field).
Result<CivilMonth> ParsePublishNotice(std::string_view json);
// Supervisor with every site in scope (403 otherwise); the period must have
// ended at `now` in the city's zone (422) and not be published yet (409
// invalid_transition, current status "published"). One `notice.published`
// {cutoff_position: head, period} in the `notices` stream.
Result<DomainEvent> DecidePublishNotice(CivilMonth period, const Principal& actor, Micros now, uint64_t head,
                                        const ScoreBook& book);

}  // namespace redledger
