// Internal: reads members of an event's `data` for the score fold, quickly.
//
// The store keeps `data` as canonical JSON (no whitespace; every quote inside
// a string escaped), so `"key":` can only match a member named key, and the
// fold's keys never repeat in a nested object (events.cc's grammar). A string
// member without escapes is then read in place, without building a DOM — the
// difference between a rebuild near raw scan speed and one at half of it.
// Anything else (whitespace, escapes, null, an absent key) falls back to a
// full parse, which decides.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "redledger/envelope.h"
#include "redledger/status.h"

namespace redledger::scoring_internal {

class EventFields {
 public:
  explicit EventFields(const Envelope& e) : e_(e) {}

  // Corruption (naming the event) when absent or of another type.
  Result<std::string_view> Str(std::string_view key);
  Result<Micros> Time(std::string_view key);
  Result<bool> Bool(std::string_view key);
  Result<int64_t> Int(std::string_view key);
  // The string member when present and a string; nullopt otherwise.
  std::optional<std::string_view> OptStr(std::string_view key);

  Status Bad(std::string_view what) const;

 private:
  // The raw token after `"key":` in place, if the fast path applies.
  std::optional<std::string_view> Token(std::string_view key) const;
  const boost::json::value* Parsed(std::string_view key);

  const Envelope& e_;
  std::optional<boost::json::object> obj_;
  bool parse_failed_ = false;
};

}  // namespace redledger::scoring_internal
