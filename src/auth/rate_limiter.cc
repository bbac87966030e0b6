// Per-principal token buckets.
#include <algorithm>

#include "redledger/auth.h"

namespace redledger {

RateLimiter::RateLimiter(double rate_per_second, double burst, const Clock* clock)
    : rate_per_micro_(rate_per_second / kMicrosPerSecond), burst_(burst), clock_(clock) {}

bool RateLimiter::Allow(std::string_view principal_id) {
  const Micros now = clock_->NowMicros();
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(std::string(principal_id), Bucket{burst_, now});
  Bucket& b = it->second;
  if (now > b.refilled_at) {
    b.tokens = std::min(burst_, b.tokens + static_cast<double>(now - b.refilled_at) * rate_per_micro_);
    b.refilled_at = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace redledger
