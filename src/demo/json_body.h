// Command bodies for the demo: the same JSON text a client would POST.
//
// Thread safety: a value; not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "redledger/codec.h"

namespace redledger::demo {

class Body {
 public:
  Body& Str(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(&text_, value);
    return *this;
  }
  Body& Int(std::string_view key, int64_t value) {
    Key(key);
    text_ += std::to_string(value);
    return *this;
  }
  // `json` is already JSON text (an object or array built with another Body).
  Body& Raw(std::string_view key, std::string_view json) {
    Key(key);
    text_ += json;
    return *this;
  }
  Body& StrList(std::string_view key, const std::vector<std::string>& values) {
    Key(key);
    text_ += '[';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) text_ += ',';
      AppendJsonString(&text_, values[i]);
    }
    text_ += ']';
    return *this;
  }
  std::string Done() const { return text_ + "}"; }

 private:
  void Key(std::string_view key) {
    if (text_.size() > 1) text_ += ',';
    AppendJsonString(&text_, key);
    text_ += ':';
  }
  std::string text_ = "{";
};

}  // namespace redledger::demo
