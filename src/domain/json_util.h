// Internal JSON helpers of the domain: reading request bodies (shape errors
// as InvalidArgument naming the field), reading event data (errors as
// Corruption: the log is trusted), and writing event data with sorted keys.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/clock.h"
#include "redledger/envelope.h"
#include "redledger/status.h"

namespace redledger::domain_internal {

namespace json = boost::json;

// Parses a request body. Invalid UTF-8 inside strings is let through so that
// validation can name the field. InvalidJson unless the text is one object.
Result<json::object> ParseBody(std::string_view text);

// Reads fields of one request object; the first shape error sticks in
// `status`. Absent and null read as nullopt.
class BodyReader {
 public:
  BodyReader(const json::object& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}
  // Records InvalidArgument for the first field not in `allowed`.
  void AllowOnly(std::initializer_list<std::string_view> allowed);
  std::optional<std::string> Str(std::string_view key);
  std::optional<int64_t> Int(std::string_view key);
  std::optional<std::vector<std::string>> StrList(std::string_view key);
  std::optional<std::map<std::string, int64_t>> IntMap(std::string_view key);
  const json::object* Obj(std::string_view key);
  const json::array* Arr(std::string_view key);
  // True when the key is present and not null.
  bool Has(std::string_view key) const;
  const json::value* Raw(std::string_view key) const;
  std::string Path(std::string_view key) const;
  void Fail(Status s) {
    if (status_.ok()) status_ = std::move(s);
  }
  const Status& status() const { return status_; }
  const std::string& prefix() const { return prefix_; }

 private:
  const json::object& obj_;
  std::string prefix_;
  Status status_;
};

// Reads fields of an event's data; missing or mistyped fields are Corruption.
class DataReader {
 public:
  static Result<DataReader> Parse(const Envelope& e);
  std::string Str(std::string_view key);
  std::optional<std::string> OptStr(std::string_view key);
  int64_t Int(std::string_view key);
  std::optional<int64_t> OptInt(std::string_view key);
  bool Bool(std::string_view key);
  Micros Time(std::string_view key);
  std::optional<Micros> OptTime(std::string_view key);
  std::vector<std::string> StrList(std::string_view key);
  const json::object& Obj(std::string_view key);
  const json::array& Arr(std::string_view key);
  const json::object& object() const { return obj_; }
  Status status() const { return status_; }

 private:
  DataReader(json::object obj, std::string where) : obj_(std::move(obj)), where_(std::move(where)) {}
  const json::value* Get(std::string_view key, bool optional);
  void Bad(std::string_view key, std::string_view why);
  json::object obj_;
  std::string where_;
  Status status_;
};

// Writes one JSON object with keys in sorted order (RFC 8785 order for the
// ASCII keys used here).
class ObjectWriter {
 public:
  ObjectWriter& Str(std::string_view k, std::string_view v);
  ObjectWriter& OptStr(std::string_view k, const std::optional<std::string>& v);
  ObjectWriter& Int(std::string_view k, int64_t v);
  ObjectWriter& OptInt(std::string_view k, const std::optional<int64_t>& v);
  ObjectWriter& Bool(std::string_view k, bool v);
  ObjectWriter& Null(std::string_view k);
  ObjectWriter& Time(std::string_view k, Micros t);
  ObjectWriter& OptTime(std::string_view k, const std::optional<Micros>& t);
  ObjectWriter& StrList(std::string_view k, const std::vector<std::string>& v);
  ObjectWriter& Raw(std::string_view k, std::string json);  // REQUIRES: json is canonical
  std::string Done() const;

 private:
  std::map<std::string, std::string, std::less<>> fields_;
};

std::string JsonString(std::string_view s);

}  // namespace redledger::domain_internal
