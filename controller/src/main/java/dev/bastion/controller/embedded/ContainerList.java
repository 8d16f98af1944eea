package dev.bastion.controller.embedded;

import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.ContainerState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime's list of containers, asked at most once per {@code maxAge}: observing a hundred
 * sandboxes costs one {@code runsc list}, not a hundred. One caller refreshes it while the others
 * go on with the list they have, so a slow {@code runsc list} never holds up a burst of reconciles.
 */
final class ContainerList {

  private final ContainerRuntime runtime;
  private final Duration maxAge;
  private final ReentrantLock refreshing = new ReentrantLock();
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Instant.EPOCH);

  ContainerList(ContainerRuntime runtime, Duration maxAge) {
    this.runtime = runtime;
    this.maxAge = maxAge;
  }

  /**
   * The state of container {@code id} from a list fetched after {@code since} (its start), or empty
   * when no list that recent exists yet.
   */
  Optional<ContainerState> stateSince(String id, Instant since) {
    Instant now = Instant.now();
    if (Duration.between(snapshot.fetchedAt(), now).compareTo(maxAge) > 0 && refreshing.tryLock()) {
      try {
        snapshot = new Snapshot(runtime.list(), now);
      } finally {
        refreshing.unlock();
      }
    }
    Snapshot current = snapshot;
    // Only a list fetched after the start knows the container; the first list, before any fetch,
    // knows nothing (its time is the epoch, which is also the start time of recovered containers).
    if (!current.fetchedAt().isAfter(since)) {
      return Optional.empty();
    }
    return Optional.of(current.states().getOrDefault(id, ContainerState.STOPPED));
  }

  void invalidate() {
    snapshot = new Snapshot(snapshot.states(), Instant.EPOCH);
  }

  private record Snapshot(Map<String, ContainerState> states, Instant fetchedAt) {}
}
