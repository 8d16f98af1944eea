package dev.bastion.gateway.policy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * callsPerMinute per tenant, as a token bucket: a tenant may spend a minute's calls at once, then
 * one more each 60/N seconds. Tenants come from the tokens file, so the map stays small.
 */
final class CallRate {

  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  CallRate(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * Takes one call from {@code tenant}'s allowance of {@code perMinute}; false when it is spent.
   */
  boolean tryAcquire(String tenant, long perMinute) {
    return buckets.computeIfAbsent(tenant, t -> new Bucket()).take(perMinute, nanoTime.getAsLong());
  }

  private static final class Bucket {
    private double tokens = -1;
    private long last;

    synchronized boolean take(long perMinute, long now) {
      if (tokens < 0) {
        tokens = perMinute;
      } else {
        tokens = Math.min(perMinute, tokens + (double) (now - last) * perMinute / MINUTE_NANOS);
      }
      last = now;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
  }
}
