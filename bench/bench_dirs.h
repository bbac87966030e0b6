// Scratch directories for benchmarks: under $REDLEDGER_BENCH_DIR (to measure
// another disk) or the system temp dir, each remembered for removal at exit.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace redledger::bench {

// Every directory MakeDir made, for the benchmark's cleanup at exit.
inline std::vector<std::string>& Dirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

inline std::string MakeDir(const std::string& name) {
  const char* base = std::getenv("REDLEDGER_BENCH_DIR");
  std::string pattern = ((base != nullptr ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) /
                         ("redledger-bench-" + name + "-XXXXXX"))
                            .string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  Dirs().push_back(pattern);
  return pattern;
}

}  // namespace redledger::bench
