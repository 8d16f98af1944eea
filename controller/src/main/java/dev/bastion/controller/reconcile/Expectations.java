package dev.bastion.controller.reconcile;

import dev.bastion.controller.store.ObjectKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates and deletes a controller made but may not see yet: a cache that lags (an informer) would
 * otherwise make a pool create its members twice. Each expectation ends when it is observed or
 * after a timeout, so a lost event cannot block a pool for ever.
 */
public final class Expectations {

  private final Clock clock;
  private final Duration timeout;
  private final Map<ObjectKey, Pending> byOwner = new ConcurrentHashMap<>();

  public Expectations(Clock clock, Duration timeout) {
    this.clock = clock;
    this.timeout = timeout;
  }

  public void expectCreate(ObjectKey owner, String name) {
    pending(owner).creates.put(name, clock.instant().plus(timeout));
  }

  public void expectDelete(ObjectKey owner, String name) {
    pending(owner).deletes.put(name, clock.instant().plus(timeout));
  }

  /**
   * Drops what {@code observed} (the names that exist now) satisfies, or what timed out, and
   * returns what is still in flight.
   */
  public InFlight reconcile(ObjectKey owner, Set<String> observed) {
    Pending pending = byOwner.get(owner);
    if (pending == null) {
      return new InFlight(Set.of(), Set.of());
    }
    Instant now = clock.instant();
    synchronized (pending) {
      pending
          .creates
          .entrySet()
          .removeIf(e -> observed.contains(e.getKey()) || now.isAfter(e.getValue()));
      pending
          .deletes
          .entrySet()
          .removeIf(e -> !observed.contains(e.getKey()) || now.isAfter(e.getValue()));
      return new InFlight(
          Set.copyOf(pending.creates.keySet()), Set.copyOf(pending.deletes.keySet()));
    }
  }

  public void forget(ObjectKey owner) {
    byOwner.remove(owner);
  }

  private Pending pending(ObjectKey owner) {
    return byOwner.computeIfAbsent(owner, k -> new Pending());
  }

  /** Names created but not seen yet, and names deleted but still seen. */
  public record InFlight(Set<String> creates, Set<String> deletes) {}

  private static final class Pending {
    final Map<String, Instant> creates = new ConcurrentHashMap<>();
    final Map<String, Instant> deletes = new ConcurrentHashMap<>();
  }
}
