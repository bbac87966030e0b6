// DemoBanner: what `redledgerd --demo` prints once the data set is seeded.
#include <cctype>
#include <string>

#include "redledger/demo.h"

namespace redledger {

namespace {

// 1234567 -> "1,234,567".
std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Counts(const auto& by_name) {
  std::string out;
  for (const auto& [name, n] : by_name) {
    if (!out.empty()) out += ", ";
    out += Grouped(n) + " " + name;
  }
  return out;
}

std::string EnvName(std::string_view role) {
  std::string out = "RL_";
  for (char c : role) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string DemoBanner(const DemoReport& r, std::string_view base_url) {
  std::string base(base_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string out;
  out += "redledger demo data set (seed " + std::to_string(r.seed) + "), " + FormatMonth(r.first_month) + " to " +
         FormatMonth(r.last_month) + ", modelled on Harbin's 2022 \"Red Property Community\" report\n";
  out += "  " + Grouped(r.sites) + " sites (" + Counts(r.sites_by_mode) + "), " + Grouped(r.compounds) +
         " compounds, " + Grouped(r.grids) + " grids, " + Grouped(r.activities) + " activities\n";
  out += "  " + Grouped(r.units) + " units (" + Counts(r.units_by_kind) + "), " + Grouped(r.pairings) +
         " pairings, " + Grouped(r.principals) + " principals\n";
  out += "  " + Grouped(r.demands) + " demands, " + Grouped(r.resolved) + " resolved; final status: " +
         Counts(r.demands_by_status) + "\n";
  out += "  closed: " + Counts(r.closed_by_reason) + "; " + Grouped(r.notices) + " notices published\n";
  out += "  " + Grouped(r.events) + " events, recorded " + FormatRfc3339(r.first_event_at) + " to " +
         FormatRfc3339(r.last_event_at) + "\n\n";
  bool tokens = !r.tokens.empty() && !r.tokens.front().token.empty();
  out += tokens ? "Tokens, one per role (shown once: the server keeps only their hashes):\n"
                : "Principals, one per role (no tokens were issued):\n";
  for (const DemoToken& t : r.tokens) {
    out += "  export " + EnvName(t.role) + "=" + (tokens ? t.token : "<none>") + "   # " + t.name + ", " + t.scope +
           "\n";
  }
  std::string site = r.sample_site_id, demand = r.sample_demand_id, period = FormatMonth(r.sample_period);
  auto get = [&](std::string_view role, const std::string& path) {
    out += "  curl -H \"Authorization: Bearer $" + EnvName(role) + "\" '" + base + path + "'\n";
  };
  out += "\nTry:\n";
  get("community", "/v1/sites/" + site + "/ledger");
  get("community", "/v1/demands?site_id=" + site + "&overdue=true");
  if (!demand.empty()) {
    get("community", "/v1/demands/" + demand);
    get("inspector", "/v1/demands/" + demand + "/history");
  }
  get("supervisor", "/v1/scores?period=" + period);
  get("supervisor", "/v1/notices?period=" + period);
  get("supervisor", "/v1/audit?site_id=" + site + "&limit=20");
  get("handler", "/v1/demands?unit_id=" + (r.tokens.size() > 4 ? r.tokens[4].scope.substr(r.tokens[4].scope.rfind(' ') + 1) : std::string()));
  get("inspector", "/v1/events?after=0&limit=5");
  get("inspector", "/v1/checkpoints/latest");
  get("inspector", "/v1/verify");
  out += "  curl '" + base + "/public/sites/" + site + "/board'\n";
  out += "  live feed (WebSocket): ws" + base.substr(4) + "/v1/live\n";  // base is http://...
  return out;
}

}  // namespace redledger
