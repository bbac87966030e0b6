// The site ledger (一本账, redledger/views.h) as CSV for office tools
// (DESIGN §7), beside the notice's CSV (NoticeCsv in redledger/scoring.h).
//
// RFC 4180 (CRLF, UTF-8 without BOM, fields quoted when they hold a comma,
// quote or line break). One row per listed demand, `section` naming the
// list: "open", "overdue" (also open: an overdue item appears in both) or
// "resolved" (the recent resolutions). Columns:
//   site_id,as_of,section,demand_id,category,title,urgency,status,
//   assigned_unit,overdue,raised_at,resolved_at,on_time,summary
// Times are RFC 3339 UTC; a field that does not apply to the section is
// empty. The ledger's totals stay in its JSON form.
//
// Thread safety: a pure function.
#pragma once

#include <string>

#include "redledger/views.h"

namespace redledger {

std::string SiteLedgerCsv(const SiteLedger& ledger);

}  // namespace redledger
