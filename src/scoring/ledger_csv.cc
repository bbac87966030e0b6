#include "redledger/ledger_csv.h"

#include "scoring/csv.h"

namespace redledger {

using scoring_internal::CsvRow;

std::string SiteLedgerCsv(const SiteLedger& l) {
  std::string out = CsvRow({"site_id", "as_of", "section", "demand_id", "category", "title", "urgency", "status",
                            "assigned_unit", "overdue", "raised_at", "resolved_at", "on_time", "summary"});
  const std::string as_of = std::to_string(l.as_of);
  auto item = [&](std::string_view section, const DemandListItem& d) {
    out += CsvRow({l.site_id, as_of, std::string(section), d.demand_id, d.category, d.title, d.urgency, d.status,
                   d.assigned_unit.value_or(""), d.overdue ? "true" : "false", FormatRfc3339(d.raised_at), "", "",
                   ""});
  };
  for (const DemandListItem& d : l.open_items) item("open", d);
  for (const DemandListItem& d : l.overdue_items) item("overdue", d);
  for (const LedgerResolution& r : l.recent_resolutions) {
    out += CsvRow({l.site_id, as_of, "resolved", r.demand_id, "", r.title, "", "", r.unit_id, "", "",
                   FormatRfc3339(r.resolved_at), r.on_time ? "true" : "false", r.summary});
  }
  return out;
}

}  // namespace redledger
