#include "redledger/ledger_csv.h"

#include <gtest/gtest.h>

#include "scoring/score_log.h"

namespace redledger {
namespace {

TEST(LedgerCsv, OneRowPerListedDemandWithQuotedFields) {
  SiteLedger l;
  l.site_id = "s1";
  l.as_of = 42;
  DemandListItem open;
  open.demand_id = "d1";
  open.site_id = "s1";
  open.category = "lift";
  open.title = "Lift, building 3 \"east\"";
  open.urgency = "urgent";
  open.status = "assigned";
  open.assigned_unit = "u1";
  open.overdue = true;
  open.raised_at = testing::T("2022-08-01T02:00:00Z");
  l.open_items = {open};
  l.overdue_items = {open};
  LedgerResolution r;
  r.demand_id = "d2";
  r.title = "Drain";
  r.unit_id = "u2";
  r.summary = "cleared\nand checked";
  r.resolved_at = testing::T("2022-08-02T03:00:00Z");
  r.on_time = true;
  l.recent_resolutions = {r};
  EXPECT_EQ(SiteLedgerCsv(l),
            "site_id,as_of,section,demand_id,category,title,urgency,status,assigned_unit,overdue,raised_at,"
            "resolved_at,on_time,summary\r\n"
            "s1,42,open,d1,lift,\"Lift, building 3 \"\"east\"\"\",urgent,assigned,u1,true,"
            "2022-08-01T02:00:00.000000Z,,,\r\n"
            "s1,42,overdue,d1,lift,\"Lift, building 3 \"\"east\"\"\",urgent,assigned,u1,true,"
            "2022-08-01T02:00:00.000000Z,,,\r\n"
            "s1,42,resolved,d2,,Drain,,,u2,,,2022-08-02T03:00:00.000000Z,true,\"cleared\nand checked\"\r\n");
}

}  // namespace
}  // namespace redledger
