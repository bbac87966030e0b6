// Status and Result<T>: how errors cross module boundaries in redledger.
//
// Every fallible call returns a Status or a Result<T> by value; no module
// throws across its boundary. Library errors (RocksDB, OpenSSL, Boost) are
// converted into a Status in the one adapter file that uses the library, and
// the HTTP layer maps a Status to DESIGN §4's error codes in one place
// (src/http/error_map.cc).
//
// Thread safety: values; safe to copy and move between threads.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace redledger {

// One field-level problem reported with Code::kValidationFailed.
struct FieldError {
  std::string field;    // JSON path of the offending field, e.g. "location.compound_id"
  std::string message;  // human-readable reason
};

class [[nodiscard]] Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kInvalidArgument,       // malformed input (HTTP 400 invalid_request)
    kInvalidJson,           // unparseable JSON (HTTP 400 invalid_json)
    kUnauthorized,          // no valid credentials (401)
    kForbidden,             // role, scope, unit or reporter check failed (403)
    kNotFound,              // (404)
    kVersionConflict,       // expected version mismatch (409), carries current_version
    kInvalidTransition,     // command not allowed in this status (409), carries current_status
    kPayloadTooLarge,       // (413)
    kUnsupportedMediaType,  // (415)
    kValidationFailed,      // well-formed but invalid (422), carries errors
    kIdempotencyKeyReused,  // same key, other body (422)
    kRateLimited,           // (429)
    kUnavailable,           // try again later (503)
    kCorruption,            // stored data failed a check; never returned as data
    kIOError,               // the disk or the OS failed
    kInternal,              // a bug: an invariant did not hold
  };

  Status() = default;  // OK

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg, std::string field = {}) {
    return Status(Code::kInvalidArgument, std::move(msg), std::move(field));
  }
  static Status InvalidJson(std::string msg) { return Status(Code::kInvalidJson, std::move(msg)); }
  static Status Unauthorized(std::string msg) { return Status(Code::kUnauthorized, std::move(msg)); }
  static Status Forbidden(std::string msg) { return Status(Code::kForbidden, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status VersionConflict(std::string msg, uint64_t current_version) {
    Status s(Code::kVersionConflict, std::move(msg));
    s.current_version_ = current_version;
    return s;
  }
  static Status InvalidTransition(std::string msg, std::string current_status) {
    Status s(Code::kInvalidTransition, std::move(msg));
    s.current_status_ = std::move(current_status);
    return s;
  }
  static Status PayloadTooLarge(std::string msg) { return Status(Code::kPayloadTooLarge, std::move(msg)); }
  static Status UnsupportedMediaType(std::string msg) {
    return Status(Code::kUnsupportedMediaType, std::move(msg));
  }
  // REQUIRES: !errors.empty()
  static Status ValidationFailed(std::vector<FieldError> errors) {
    std::string msg = errors.empty() ? "validation failed" : errors.front().field + ": " + errors.front().message;
    Status s(Code::kValidationFailed, std::move(msg), errors.empty() ? std::string() : errors.front().field);
    s.errors_ = std::move(errors);
    return s;
  }
  static Status ValidationFailed(std::string field, std::string message) {
    return ValidationFailed(std::vector<FieldError>{{std::move(field), std::move(message)}});
  }
  static Status IdempotencyKeyReused(std::string msg) { return Status(Code::kIdempotencyKeyReused, std::move(msg)); }
  static Status RateLimited(std::string msg) { return Status(Code::kRateLimited, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }
  uint64_t current_version() const { return current_version_; }
  const std::string& current_status() const { return current_status_; }
  const std::vector<FieldError>& errors() const { return errors_; }

  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsVersionConflict() const { return code_ == Code::kVersionConflict; }

  // "<code name>: <message>", for logs and test failures.
  std::string ToString() const;
  static const char* CodeName(Code code);

  // Deliberately dropping an error is a searchable call.
  void IgnoreError() const {}

 private:
  Status(Code code, std::string msg, std::string field = {})
      : code_(code), message_(std::move(msg)), field_(std::move(field)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
  uint64_t current_version_ = 0;
  std::string current_status_;
  std::vector<FieldError> errors_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT; REQUIRES: !status.ok()

  bool ok() const { return std::holds_alternative<T>(v_); }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace redledger

// Returns early from the enclosing function with the error of `expr`.
#define REDLEDGER_RETURN_IF_ERROR(expr)          \
  do {                                           \
    ::redledger::Status _st = (expr);            \
    if (!_st.ok()) return _st;                   \
  } while (0)
