package dev.bastion.controller.embedded;

import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.ContainerState;
import dev.bastion.controller.runtime.SandboxLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What is known of the containers started here (or found at start-up): when, with which limits,
 * whether sandboxd has answered, and the runtime's latest list. {@link EmbeddedPods} records and
 * reads it; {@link EmbeddedHosts} makes the next observation ask afresh.
 */
public final class ContainerObservations {

  private final ContainerList containerList;
  private final Map<String, Started> started = new ConcurrentHashMap<>();

  public ContainerObservations(ContainerRuntime runtime) {
    this.containerList = new ContainerList(runtime, Duration.ofSeconds(1));
  }

  /** Container {@code name} started at {@code at}; only container lists fetched later know it. */
  void started(String name, Instant at, SandboxLimits limits) {
    started.put(name, new Started(at, limits, false));
  }

  /** What is known of container {@code name}'s start, or null when it did not start here. */
  Started of(String name) {
    return started.get(name);
  }

  /** sandboxd of container {@code name}, started as {@code pod}, has accepted a connection. */
  void answered(String name, Started pod) {
    started.replace(name, pod, pod.answering());
  }

  /** Container {@code name} is gone. */
  void stopped(String name) {
    started.remove(name);
  }

  /** The runtime's state of container {@code name} from a list fetched after it started. */
  Optional<ContainerState> stateOf(String name, Started pod) {
    return containerList.stateSince(name, pod.at());
  }

  /** Makes the next observation ask the runtime and sandboxd afresh. */
  void forget() {
    containerList.invalidate();
    started.replaceAll((name, pod) -> pod.unconfirmed());
  }

  /**
   * @param answered whether sandboxd has accepted a connection since the container started
   */
  record Started(Instant at, SandboxLimits limits, boolean answered) {

    Started answering() {
      return answered ? this : new Started(at, limits, true);
    }

    Started unconfirmed() {
      return answered ? new Started(at, limits, false) : this;
    }
  }
}
