// JSON request bodies: one pass of Boost.JSON's SAX parser that builds the
// value (through value_stack, as boost::json::parser does) and also rejects
// duplicate keys, which boost::json::parse would silently collapse to the
// last one. Depth, UTF-8 and syntax are checked by the parser itself.
#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <system_error>

#include "redledger/http_server.h"

namespace redledger::http {
namespace {

namespace json = boost::json;
using json::string_view;
using ec_t = json::error_code;

class BuildingHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack& stack() { return stack_; }
  const std::string& duplicate() const { return duplicate_; }

  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_object_begin(ec_t&) {
    keys_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t n, ec_t& ec) {
    // Sorting at the end keeps a huge object at n log n, not n².
    std::vector<std::string>& keys = keys_.back();
    std::sort(keys.begin(), keys.end());
    auto dup = std::adjacent_find(keys.begin(), keys.end());
    if (dup != keys.end()) {
      duplicate_ = *dup;
      ec = std::make_error_code(std::errc::invalid_argument);
      return false;
    }
    keys_.pop_back();
    stack_.push_object(n);
    return true;
  }
  bool on_array_begin(ec_t&) { return true; }
  bool on_array_end(std::size_t n, ec_t&) {
    stack_.push_array(n);
    return true;
  }
  bool on_key_part(string_view s, std::size_t, ec_t&) {
    key_.append(s.data(), s.size());
    stack_.push_chars(s);
    return true;
  }
  bool on_key(string_view s, std::size_t, ec_t&) {
    key_.append(s.data(), s.size());
    keys_.back().push_back(std::move(key_));
    key_.clear();
    stack_.push_key(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t, ec_t&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, ec_t&) {
    stack_.push_string(s);
    return true;
  }
  bool on_number_part(string_view, ec_t&) { return true; }
  bool on_int64(std::int64_t i, string_view, ec_t&) {
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, string_view, ec_t&) {
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, string_view, ec_t&) {
    stack_.push_double(d);
    return true;
  }
  bool on_bool(bool b, ec_t&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(ec_t&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(string_view, ec_t&) { return true; }
  bool on_comment(string_view, ec_t&) { return true; }

 private:
  json::value_stack stack_;
  std::vector<std::vector<std::string>> keys_;  // the keys of each open object
  std::string key_;                             // the key being read
  std::string duplicate_;
};

}  // namespace

Result<std::shared_ptr<const boost::json::object>> ParseJsonObject(std::string_view text, int max_depth) {
  json::parse_options opt;
  opt.max_depth = static_cast<std::size_t>(max_depth);
  json::basic_parser<BuildingHandler> p(opt);
  p.handler().stack().reset();
  ec_t ec;
  size_t used = 0;
  try {
    used = p.write_some(false, text.data(), text.size(), ec);
  } catch (const std::exception& e) {  // allocation failure or a limit inside Boost.JSON
    return Status::InvalidJson(std::string("invalid JSON: ") + e.what());
  }
  if (!p.handler().duplicate().empty()) {
    return Status::InvalidJson("invalid JSON: duplicate key \"" + p.handler().duplicate() + "\"");
  }
  if (ec == json::error::too_deep) {
    return Status::InvalidJson("invalid JSON: nested deeper than " + std::to_string(max_depth));
  }
  if (ec) return Status::InvalidJson("invalid JSON: " + ec.message());
  // The parser stops after one complete value; anything after it is an error.
  if (used != text.size()) return Status::InvalidJson("invalid JSON: data after the object");
  json::value v = p.handler().stack().release();
  if (!v.is_object()) return Status::InvalidJson("the body must be a JSON object");
  return std::shared_ptr<const json::object>(std::make_shared<json::object>(std::move(v.get_object())));
}

}  // namespace redledger::http
