// RFC 8785 (JCS) canonicalisation, restricted to what DESIGN §2 allows in
// event data: objects, arrays, strings, integers within ±(2^53−1), booleans
// and null. A small hand-written parser rather than Boost.JSON because it must
// reject what a general parser accepts silently (duplicate keys, lone
// surrogates, floats) and it sits on the append path.
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "redledger/codec.h"

namespace redledger {
namespace {

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

// Compares two UTF-8 strings by their UTF-16 code units, as JCS sorts keys.
bool Utf16Less(std::string_view a, std::string_view b) {
  auto next_unit = [](std::string_view s, size_t& i, uint32_t& pending) -> uint32_t {
    if (pending) {
      uint32_t u = pending;
      pending = 0;
      return u;
    }
    uint8_t c = s[i];
    uint32_t cp;
    int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) cp = cp << 6 | (uint8_t(s[i + k]) & 0x3F);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      pending = 0xDC00 | (cp & 0x3FF);
      return 0xD800 | (cp >> 10);
    }
    return cp;
  };
  size_t i = 0, j = 0;
  uint32_t pa = 0, pb = 0;
  while ((i < a.size() || pa) && (j < b.size() || pb)) {
    uint32_t ua = next_unit(a, i, pa), ub = next_unit(b, j, pb);
    if (ua != ub) return ua < ub;
  }
  return (j < b.size() || pb) && !(i < a.size() || pa);
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | cp >> 6));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | cp >> 12));
    out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | cp >> 18));
    out->push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Canonicalizer {
 public:
  Canonicalizer(std::string_view in, int max_depth) : in_(in), max_depth_(max_depth) {}

  Result<std::string> Run() {
    std::string out;
    out.reserve(in_.size());
    SkipWs();
    Status s = Value(&out, 0);
    if (!s.ok()) return s;
    SkipWs();
    if (pos_ != in_.size()) return Error("unexpected text after the JSON value");
    return out;
  }

 private:
  Status Error(std::string msg) const {
    return Status::InvalidJson(msg + " at offset " + std::to_string(pos_));
  }
  void SkipWs() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r'))
      ++pos_;
  }
  bool Literal(std::string_view lit) {
    if (in_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }

  Status Value(std::string* out, int depth) {
    if (pos_ >= in_.size()) return Error("unexpected end of JSON");
    char c = in_[pos_];
    if (c == '{' || c == '[') {
      if (depth >= max_depth_) return Error("JSON nested too deeply");
      return c == '{' ? Object(out, depth + 1) : Array(out, depth + 1);
    }
    if (c == '"') {
      std::string s;
      REDLEDGER_RETURN_IF_ERROR(String(&s));
      AppendJsonString(out, s);
      return Status::OK();
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
    if (Literal("true")) return out->append("true"), Status::OK();
    if (Literal("false")) return out->append("false"), Status::OK();
    if (Literal("null")) return out->append("null"), Status::OK();
    return Error("unexpected character");
  }

  Status Object(std::string* out, int depth) {
    ++pos_;  // '{'
    std::vector<std::pair<std::string, std::string>> members;
    SkipWs();
    if (pos_ < in_.size() && in_[pos_] == '}') {
      ++pos_;
      out->append("{}");
      return Status::OK();
    }
    while (true) {
      SkipWs();
      if (pos_ >= in_.size() || in_[pos_] != '"') return Error("expected a member name");
      std::string key;
      REDLEDGER_RETURN_IF_ERROR(String(&key));
      SkipWs();
      if (pos_ >= in_.size() || in_[pos_] != ':') return Error("expected ':'");
      ++pos_;
      SkipWs();
      std::string value;
      REDLEDGER_RETURN_IF_ERROR(Value(&value, depth));
      members.emplace_back(std::move(key), std::move(value));
      SkipWs();
      if (pos_ < in_.size() && in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < in_.size() && in_[pos_] == '}') {
        ++pos_;
        break;
      }
      return Error("expected ',' or '}'");
    }
    std::sort(members.begin(), members.end(),
              [](const auto& a, const auto& b) { return Utf16Less(a.first, b.first); });
    for (size_t i = 1; i < members.size(); ++i)
      if (members[i].first == members[i - 1].first)
        return Status::InvalidJson("duplicate member name '" + members[i].first + "'");
    out->push_back('{');
    for (size_t i = 0; i < members.size(); ++i) {
      if (i) out->push_back(',');
      AppendJsonString(out, members[i].first);
      out->push_back(':');
      out->append(members[i].second);
    }
    out->push_back('}');
    return Status::OK();
  }

  Status Array(std::string* out, int depth) {
    ++pos_;  // '['
    out->push_back('[');
    SkipWs();
    if (pos_ < in_.size() && in_[pos_] == ']') {
      ++pos_;
      out->push_back(']');
      return Status::OK();
    }
    bool first = true;
    while (true) {
      SkipWs();
      if (!first) out->push_back(',');
      first = false;
      REDLEDGER_RETURN_IF_ERROR(Value(out, depth));
      SkipWs();
      if (pos_ < in_.size() && in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < in_.size() && in_[pos_] == ']') {
        ++pos_;
        out->push_back(']');
        return Status::OK();
      }
      return Error("expected ',' or ']'");
    }
  }

  Status Number(std::string* out) {
    size_t start = pos_;
    bool neg = in_[pos_] == '-';
    if (neg) ++pos_;
    if (pos_ >= in_.size() || in_[pos_] < '0' || in_[pos_] > '9') return Error("invalid number");
    if (in_[pos_] == '0' && pos_ + 1 < in_.size() && in_[pos_ + 1] >= '0' && in_[pos_ + 1] <= '9')
      return Error("leading zero in number");
    int64_t v = 0;
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') {
      v = v * 10 + (in_[pos_] - '0');
      if (v > kMaxSafeInteger)
        return Status::InvalidArgument("integer out of the range ±(2^53-1) at offset " + std::to_string(start));
      ++pos_;
    }
    if (pos_ < in_.size() && (in_[pos_] == '.' || in_[pos_] == 'e' || in_[pos_] == 'E'))
      return Status::InvalidArgument("floating-point numbers are not allowed (offset " + std::to_string(start) + ")");
    if (neg && v != 0) out->push_back('-');
    out->append(std::to_string(v));
    return Status::OK();
  }

  int Hex4(uint32_t* cp) {
    if (pos_ + 4 > in_.size()) return -1;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = in_[pos_ + i];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return -1;
      v = v << 4 | d;
    }
    pos_ += 4;
    *cp = v;
    return 0;
  }

  // Decodes a string literal at pos_ into UTF-8.
  Status String(std::string* s) {
    ++pos_;  // '"'
    size_t run = pos_;
    while (true) {
      if (pos_ >= in_.size()) return Error("unterminated string");
      unsigned char c = in_[pos_];
      if (c == '"') {
        s->append(in_.substr(run, pos_ - run));
        ++pos_;
        break;
      }
      if (c < 0x20) return Error("control character in string");
      if (c != '\\') {
        ++pos_;
        continue;
      }
      s->append(in_.substr(run, pos_ - run));
      if (++pos_ >= in_.size()) return Error("unterminated escape");
      char e = in_[pos_++];
      switch (e) {
        case '"': s->push_back('"'); break;
        case '\\': s->push_back('\\'); break;
        case '/': s->push_back('/'); break;
        case 'b': s->push_back('\b'); break;
        case 'f': s->push_back('\f'); break;
        case 'n': s->push_back('\n'); break;
        case 'r': s->push_back('\r'); break;
        case 't': s->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (Hex4(&cp) < 0) return Error("invalid \\u escape");
          if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("lone low surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (!Literal("\\u") || Hex4(&lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) return Error("lone high surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          AppendUtf8(s, cp);
          break;
        }
        default: return Error("invalid escape");
      }
      run = pos_;
    }
    if (!IsValidUtf8(*s)) return Status::InvalidArgument("string is not valid UTF-8");
    return Status::OK();
  }

  std::string_view in_;
  size_t pos_ = 0;
  int max_depth_;
};

}  // namespace

void AppendJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.substr(run));
  out->push_back('"');
}

Result<std::string> CanonicalizeJson(std::string_view json, int max_depth) {
  return Canonicalizer(json, max_depth).Run();
}

}  // namespace redledger
