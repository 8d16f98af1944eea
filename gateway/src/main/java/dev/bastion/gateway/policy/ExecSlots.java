package dev.bastion.gateway.policy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Processes each tenant has running through the gateway, for maxConcurrentExecs. */
final class ExecSlots {

  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

  /** Takes a slot unless {@code tenant} already runs {@code max}; release it when the call ends. */
  boolean tryAcquire(String tenant, long max) {
    AtomicInteger count = running.computeIfAbsent(tenant, t -> new AtomicInteger());
    while (true) {
      int now = count.get();
      if (now >= max) {
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Takes a slot whatever the count, so every call that ends can release one. */
  void acquire(String tenant) {
    running.computeIfAbsent(tenant, t -> new AtomicInteger()).incrementAndGet();
  }

  void release(String tenant) {
    running.get(tenant).decrementAndGet();
  }
}
