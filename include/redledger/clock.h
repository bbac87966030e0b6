// The injected source of time, and the RFC 3339 text form used everywhere.
//
// Time in redledger is an int64 count of microseconds since the Unix epoch,
// UTC. Domain code never reads the system clock: it is handed a Clock (or a
// `now` value) so that tests and replays are exact.
//
// Thread safety: SystemClock is stateless; FakeClock is safe for concurrent
// use (its value is atomic).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "redledger/status.h"

namespace redledger {

using Micros = int64_t;  // microseconds since 1970-01-01T00:00:00Z

constexpr Micros kMicrosPerSecond = 1'000'000;
constexpr Micros kMicrosPerHour = 3600 * kMicrosPerSecond;
constexpr Micros kMicrosPerDay = 24 * kMicrosPerHour;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros NowMicros() const = 0;
};

class SystemClock final : public Clock {
 public:
  Micros NowMicros() const override;
  // The process-wide instance.
  static SystemClock* Default();
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Micros start = 0) : now_(start) {}
  Micros NowMicros() const override { return now_.load(std::memory_order_relaxed); }
  void Set(Micros t) { now_.store(t, std::memory_order_relaxed); }
  void Advance(Micros d) { now_.fetch_add(d, std::memory_order_relaxed); }

 private:
  std::atomic<Micros> now_;
};

// "2022-07-21T08:00:00.000000Z": UTC, exactly six fraction digits, 'Z'.
std::string FormatRfc3339(Micros t);

// Accepts RFC 3339 date-times with any fraction (truncated to microseconds)
// and a 'Z' or ±HH:MM offset. Rejects everything else.
Result<Micros> ParseRfc3339(std::string_view text);

// Civil date helpers for month cohorts (DESIGN §5).
struct CivilMonth {
  int year = 0;
  int month = 0;  // 1..12
  friend bool operator==(const CivilMonth&, const CivilMonth&) = default;
  friend auto operator<=>(const CivilMonth&, const CivilMonth&) = default;
};
// The calendar month of `t` in a zone at a fixed offset from UTC.
CivilMonth MonthAt(Micros t, int offset_minutes);
// The first instant of a month in a zone at a fixed offset.
Micros MonthStart(CivilMonth m, int offset_minutes);
// "YYYY-MM" <-> CivilMonth.
std::string FormatMonth(CivilMonth m);
Result<CivilMonth> ParseMonth(std::string_view text);
// "+08:00" -> 480. Rejects anything but [+-]HH:MM within ±14:00.
Result<int> ParseUtcOffset(std::string_view text);

}  // namespace redledger
