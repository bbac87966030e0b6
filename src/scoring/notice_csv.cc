// The notice as CSV for office tools (RFC 4180). One row per site in rank order;
// every row repeats the period and status so a sheet can be filtered.
#include <algorithm>

#include "redledger/scoring.h"
#include "scoring/csv.h"

namespace redledger {
namespace {

using scoring_internal::CsvRow;

// 8750 -> "87.50"; empty when null.
std::string Hundredths(const std::optional<int64_t>& v) {
  if (!v) return "";
  int64_t frac = *v % 100;
  return std::to_string(*v / 100) + (frac < 10 ? ".0" : ".") + std::to_string(frac);
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string NoticeCsv(const NoticeInfo& info, const PeriodScores& s) {
  std::vector<std::string> header = {"period", "status", "cutoff_position", "rank", "list", "site_id", "name",
                                     "district", "street", "community", "composite"};
  for (std::string_view r : kRateNames) {
    header.push_back(std::string(r) + "_rate");
    header.push_back(std::string(r) + "_numerator");
    header.push_back(std::string(r) + "_denominator");
    header.push_back(std::string(r) + "_weight");
  }
  header.push_back("activities");
  std::string out = CsvRow(header);
  const std::string status = info.published_position ? "published" : "provisional";
  for (const ScoreEntry& e : s.sites) {
    std::string list = Contains(s.red_list, e.id) ? "red" : Contains(s.black_list, e.id) ? "black" : "";
    std::vector<std::string> row = {FormatMonth(s.period), status, std::to_string(info.cutoff_position),
                                    e.rank ? std::to_string(*e.rank) : "", list, e.id, e.name, e.district,
                                    e.street, e.community, Hundredths(e.composite_x100)};
    for (const RateScore& r : e.rates) {
      row.push_back(Hundredths(r.rate_x100));
      row.push_back(std::to_string(r.numerator));
      row.push_back(std::to_string(r.denominator));
      row.push_back(std::to_string(r.weight));
    }
    row.push_back(std::to_string(e.counts.activities));
    out += CsvRow(row);
  }
  return out;
}

}  // namespace redledger
