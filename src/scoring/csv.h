// Internal: RFC 4180 rows (CRLF; a field is quoted when it holds a comma,
// quote or line break, quotes doubled).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace redledger::scoring_internal {

inline std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

inline std::string CsvRow(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += CsvField(fields[i]);
  }
  return out + "\r\n";
}

}  // namespace redledger::scoring_internal
