// The notice as CSV for office tools (RFC 4180: CRLF, fields quoted when
// they hold a comma, quote or line break). One row per site in rank order;
// every row repeats the period and status so a sheet can be filtered.
#include <algorithm>

#include "redledger/scoring.h"

namespace redledger {
namespace {

std::string Field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// 8750 -> "87.50"; empty when null.
std::string Hundredths(const std::optional<int64_t>& v) {
  if (!v) return "";
  int64_t frac = *v % 100;
  return std::to_string(*v / 100) + (frac < 10 ? ".0" : ".") + std::to_string(frac);
}

std::string Row(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += Field(fields[i]);
  }
  return out + "\r\n";
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
  std::string out = Row(header);
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
    out += Row(row);
  }
  return out;
}

}  // namespace redledger
