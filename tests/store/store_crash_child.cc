// Child process of the crash test (rocks_event_store_test.cc): appends to the
// store in `dir` from several threads until killed, and reports every
// acknowledged event on file descriptor `fd` as a record
//   position (8 bytes, big-endian) ‖ event_id (36 bytes).
// Usage: store_crash_child DIR FD
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "redledger/encoding.h"
#include "redledger/event_store.h"

using namespace redledger;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DIR FD\n", argv[0]);
    return 2;
  }
  const int fd = std::atoi(argv[2]);
  auto store = OpenRocksEventStore(argv[1], StoreOptions{});
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  std::mutex report_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string stream = "crash-" + std::to_string(t);
      Result<uint64_t> version = (*store)->StreamVersion(stream);
      if (!version.ok()) std::_Exit(1);
      for (uint64_t v = *version;; ++v) {
        NewEvent e;
        e.type = "test.crash";
        e.event_id = NewUuidV4();
        e.actor = Actor{"child", "admin", std::nullopt};
        e.data = "{\"v\":" + std::to_string(v + 1) + "}";
        std::vector<AppendPart> parts{{stream, ExpectedVersion::Exact(v), {e}}};
        Result<AppendResult> r = (*store)->Append(std::move(parts));
        if (!r.ok()) {
          std::fprintf(stderr, "append: %s\n", r.status().ToString().c_str());
          std::_Exit(1);
        }
        std::string record;
        PutBigEndian64(&record, r->first_position);
        record += e.event_id;
        std::lock_guard<std::mutex> lock(report_mu);
        if (write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size())) std::_Exit(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return 0;
}
