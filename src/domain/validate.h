// Internal: collects every field error of a command (DESIGN §4
// validation_failed, details.errors) instead of stopping at the first.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/clock.h"
#include "redledger/demand.h"
#include "redledger/status.h"

namespace redledger::domain_internal {

class Validator {
 public:
  void Error(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  // A string of valid UTF-8, non-blank, at most `max_chars` code points;
  // absent is an error only when `required`. True when present and valid.
  bool Text(std::string_view field, const std::optional<std::string>& v, size_t max_chars, bool required = true);
  // One of `allowed`.
  bool Enum(std::string_view field, const std::optional<std::string>& v, std::span<const std::string_view> allowed,
            bool required = true);
  bool Enum(std::string_view field, const std::optional<std::string>& v, std::initializer_list<std::string_view> allowed,
            bool required = true) {
    return Enum(field, v, std::span<const std::string_view>(allowed.begin(), allowed.size()), required);
  }
  // An RFC 3339 date-time.
  std::optional<Micros> Time(std::string_view field, const std::optional<std::string>& v, bool required = true);
  // Present (for ids whose existence the caller checks next).
  bool Present(std::string_view field, const std::optional<std::string>& v);
  // Attachments: at most 20, each {url: http(s) URL ≤ 2000, sha256: 64 lower-case hex}.
  void Attachments(std::string_view field, const std::vector<Attachment>& items);

  bool ok() const { return errors_.empty(); }
  // REQUIRES: !ok()
  Status ToStatus() const { return Status::ValidationFailed(errors_); }

 private:
  std::vector<FieldError> errors_;
};

}  // namespace redledger::domain_internal
