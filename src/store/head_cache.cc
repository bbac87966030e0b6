#include "store/head_cache.h"

namespace redledger::store {

std::optional<HeadCache::Head> HeadCache::Get(const std::string& stream) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(stream);
  if (it == index_.end()) return std::nullopt;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->second;
}

void HeadCache::Put(const std::string& stream, Head head) {
  if (capacity_ == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(stream);
  if (it != index_.end()) {
    it->second->second = head;
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  order_.emplace_front(stream, head);
  index_.emplace(stream, order_.begin());
  if (index_.size() > capacity_) {
    index_.erase(order_.back().first);
    order_.pop_back();
  }
}

size_t HeadCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return index_.size();
}

}  // namespace redledger::store
