#include "domain/json_util.h"

#include <algorithm>

#include "redledger/codec.h"

namespace redledger::domain_internal {

Result<json::object> ParseBody(std::string_view text) {
  json::parse_options opts;
  opts.allow_invalid_utf8 = true;  // reported per field by validation
  opts.max_depth = 32;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, json::storage_ptr(), opts);
  if (ec) return Status::InvalidJson("body is not valid JSON: " + ec.message());
  if (!v.is_object()) return Status::InvalidJson("body must be a JSON object");
  return std::move(v.as_object());
}

std::string BodyReader::Path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

void BodyReader::AllowOnly(std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : obj_) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(kv.key())) == allowed.end()) {
      Fail(Status::InvalidArgument("unknown field " + Path(kv.key()), Path(kv.key())));
      return;
    }
  }
}

const json::value* BodyReader::Raw(std::string_view key) const {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

bool BodyReader::Has(std::string_view key) const { return Raw(key) != nullptr; }

std::optional<std::string> BodyReader::Str(std::string_view key) {
  const json::value* v = Raw(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Fail(Status::InvalidArgument(Path(key) + " must be a string", Path(key)));
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::optional<int64_t> BodyReader::Int(std::string_view key) {
  const json::value* v = Raw(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v->as_uint64());
  Fail(Status::InvalidArgument(Path(key) + " must be an integer", Path(key)));
  return std::nullopt;
}

std::optional<std::vector<std::string>> BodyReader::StrList(std::string_view key) {
  const json::array* a = Arr(key);
  if (!a) return std::nullopt;
  std::vector<std::string> out;
  for (size_t i = 0; i < a->size(); ++i) {
    if (!(*a)[i].is_string()) {
      std::string p = Path(key) + "[" + std::to_string(i) + "]";
      Fail(Status::InvalidArgument(p + " must be a string", p));
      return std::nullopt;
    }
    out.emplace_back((*a)[i].as_string());
  }
  return out;
}

std::optional<std::map<std::string, int64_t>> BodyReader::IntMap(std::string_view key) {
  const json::object* o = Obj(key);
  if (!o) return std::nullopt;
  std::map<std::string, int64_t> out;
  for (const auto& kv : *o) {
    const json::value& v = kv.value();
    std::string p = Path(key) + "." + std::string(kv.key());
    if (!v.is_int64() && !(v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX))) {
      Fail(Status::InvalidArgument(p + " must be an integer", p));
      return std::nullopt;
    }
    out[std::string(kv.key())] = v.is_int64() ? v.as_int64() : static_cast<int64_t>(v.as_uint64());
  }
  return out;
}

const json::object* BodyReader::Obj(std::string_view key) {
  const json::value* v = Raw(key);
  if (!v) return nullptr;
  if (!v->is_object()) {
    Fail(Status::InvalidArgument(Path(key) + " must be an object", Path(key)));
    return nullptr;
  }
  return &v->as_object();
}

const json::array* BodyReader::Arr(std::string_view key) {
  const json::value* v = Raw(key);
  if (!v) return nullptr;
  if (!v->is_array()) {
    Fail(Status::InvalidArgument(Path(key) + " must be an array", Path(key)));
    return nullptr;
  }
  return &v->as_array();
}

Result<DataReader> DataReader::Parse(const Envelope& e) {
  boost::system::error_code ec;
  json::value v = json::parse(e.data, ec);
  std::string where = e.type + " at position " + std::to_string(e.position);
  if (ec || !v.is_object()) return Status::Corruption(where + ": data is not a JSON object");
  return DataReader(std::move(v.as_object()), std::move(where));
}

void DataReader::Bad(std::string_view key, std::string_view why) {
  if (status_.ok()) status_ = Status::Corruption(where_ + ": data." + std::string(key) + " " + std::string(why));
}

const json::value* DataReader::Get(std::string_view key, bool optional) {
  auto it = obj_.find(key);
  if (it == obj_.end() || (optional && it->value().is_null())) {
    if (!optional) Bad(key, "is missing");
    return nullptr;
  }
  return &it->value();
}

std::string DataReader::Str(std::string_view key) {
  const json::value* v = Get(key, false);
  if (!v) return {};
  if (!v->is_string()) {
    Bad(key, "is not a string");
    return {};
  }
  return std::string(v->as_string());
}

std::optional<std::string> DataReader::OptStr(std::string_view key) {
  const json::value* v = Get(key, true);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Bad(key, "is not a string");
    return std::nullopt;
  }
  return std::string(v->as_string());
}

int64_t DataReader::Int(std::string_view key) {
  auto v = OptInt(key);
  if (!v) Bad(key, "is missing");
  return v.value_or(0);
}

std::optional<int64_t> DataReader::OptInt(std::string_view key) {
  const json::value* v = Get(key, true);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  Bad(key, "is not an integer");
  return std::nullopt;
}

bool DataReader::Bool(std::string_view key) {
  const json::value* v = Get(key, false);
  if (!v) return false;
  if (!v->is_bool()) {
    Bad(key, "is not a boolean");
    return false;
  }
  return v->as_bool();
}

Micros DataReader::Time(std::string_view key) {
  auto t = OptTime(key);
  if (!t) Bad(key, "is missing");
  return t.value_or(0);
}

std::optional<Micros> DataReader::OptTime(std::string_view key) {
  auto s = OptStr(key);
  if (!s) return std::nullopt;
  auto t = ParseRfc3339(*s);
  if (!t.ok()) {
    Bad(key, "is not an RFC 3339 time");
    return std::nullopt;
  }
  return *t;
}

std::vector<std::string> DataReader::StrList(std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = Get(key, false);
  if (!v) return out;
  if (!v->is_array()) {
    Bad(key, "is not an array");
    return out;
  }
  for (const auto& x : v->as_array()) {
    if (!x.is_string()) {
      Bad(key, "holds a non-string");
      return {};
    }
    out.emplace_back(x.as_string());
  }
  return out;
}

const json::object& DataReader::Obj(std::string_view key) {
  static const json::object kEmpty;
  const json::value* v = Get(key, false);
  if (!v) return kEmpty;
  if (!v->is_object()) {
    Bad(key, "is not an object");
    return kEmpty;
  }
  return v->as_object();
}

const json::array& DataReader::Arr(std::string_view key) {
  static const json::array kEmpty;
  const json::value* v = Get(key, false);
  if (!v) return kEmpty;
  if (!v->is_array()) {
    Bad(key, "is not an array");
    return kEmpty;
  }
  return v->as_array();
}

std::string JsonString(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

ObjectWriter& ObjectWriter::Str(std::string_view k, std::string_view v) { return Raw(k, JsonString(v)); }
ObjectWriter& ObjectWriter::OptStr(std::string_view k, const std::optional<std::string>& v) {
  return v ? Str(k, *v) : Null(k);
}
ObjectWriter& ObjectWriter::Int(std::string_view k, int64_t v) { return Raw(k, std::to_string(v)); }
ObjectWriter& ObjectWriter::OptInt(std::string_view k, const std::optional<int64_t>& v) {
  return v ? Int(k, *v) : Null(k);
}
ObjectWriter& ObjectWriter::Bool(std::string_view k, bool v) { return Raw(k, v ? "true" : "false"); }
ObjectWriter& ObjectWriter::Null(std::string_view k) { return Raw(k, "null"); }
ObjectWriter& ObjectWriter::Time(std::string_view k, Micros t) { return Str(k, FormatRfc3339(t)); }
ObjectWriter& ObjectWriter::OptTime(std::string_view k, const std::optional<Micros>& t) {
  return t ? Time(k, *t) : Null(k);
}
ObjectWriter& ObjectWriter::StrList(std::string_view k, const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(&out, v[i]);
  }
  out += ']';
  return Raw(k, std::move(out));
}
ObjectWriter& ObjectWriter::Raw(std::string_view k, std::string json) {
  fields_.insert_or_assign(std::string(k), std::move(json));
  return *this;
}

std::string ObjectWriter::Done() const {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : fields_) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(&out, k);
    out += ':';
    out += v;
  }
  out += '}';
  return out;
}

}  // namespace redledger::domain_internal
