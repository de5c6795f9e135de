#pragma once
// A lock-free single-producer / single-consumer queue of fixed capacity, all storage
// allocated up front: the one way values cross between the real-time thread (which may
// not allocate, lock or wait) and the worker. push() and pop() never block; a full queue
// refuses the value and the producer decides what to drop. Capacity is a power of two so
// the indices wrap with a mask; the head and tail live on separate cache lines so the
// two threads do not fight over one.
#include <array>
#include <atomic>
#include <cstddef>

namespace cadenza::live {

template <class T, size_t Capacity>
class SpscQueue {
  static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0, "SpscQueue: capacity must be a power of two");

 public:
  // Producer only. False (and nothing stored) when full.
  bool push(const T& value) {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) == Capacity) return false;
    slots_[tail & (Capacity - 1)] = value;
    tail_.store(tail + 1, std::memory_order_release);  // publishes the slot written above
    return true;
  }
  // Consumer only. False when empty.
  bool pop(T& out) {
    const size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return false;
    out = slots_[head & (Capacity - 1)];
    head_.store(head + 1, std::memory_order_release);  // hands the slot back to the producer
    return true;
  }
  // Either side; a snapshot that may be stale by the time it is read.
  size_t size() const { return tail_.load(std::memory_order_acquire) - head_.load(std::memory_order_acquire); }
  bool empty() const { return size() == 0; }
  static constexpr size_t capacity() { return Capacity; }

 private:
  alignas(64) std::atomic<size_t> head_{0};
  alignas(64) std::atomic<size_t> tail_{0};
  alignas(64) std::array<T, Capacity> slots_{};
};

}  // namespace cadenza::live
