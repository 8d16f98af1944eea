package dev.bastion.controller.embedded;

import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.ContainerState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime's list of containers, asked at most once per {@code maxAge}: observing a hundred
 * sandboxes costs one {@code runsc list}, not a hundred.
 */
final class ContainerList {

  private final ContainerRuntime runtime;
  private final Duration maxAge;
  private Map<String, ContainerState> states = Map.of();
  private Instant fetchedAt = Instant.EPOCH;

  ContainerList(ContainerRuntime runtime, Duration maxAge) {
    this.runtime = runtime;
    this.maxAge = maxAge;
  }

  /**
   * The state of container {@code id} from a list fetched after {@code since} (its start), or empty
   * when no list that recent exists yet and it is not time to fetch one.
   */
  synchronized Optional<ContainerState> stateSince(String id, Instant since) {
    Instant now = Instant.now();
    if (Duration.between(fetchedAt, now).compareTo(maxAge) > 0) {
      states = runtime.list();
      fetchedAt = now;
    }
    if (fetchedAt.isBefore(since)) {
      return Optional.empty();
    }
    return Optional.of(states.getOrDefault(id, ContainerState.STOPPED));
  }

  synchronized void invalidate() {
    fetchedAt = Instant.EPOCH;
  }
}
