package dev.bastion.client;

import java.time.Instant;
import java.util.Map;

/**
 * A sandbox as the server last described it.
 *
 * @param template the template it was made from
 * @param warmPool the warm pool it was claimed from, or empty
 * @param launchType {@code "warm"} when it came ready from a pool, {@code "cold"} when it was
 *     started for its request
 * @param runtime {@code "gvisor"}, {@code "kata"} or {@code "crun"} (crun shares the host kernel:
 *     weaker isolation)
 * @param createdAt when it was made, or null
 * @param shutdownTime when the server deletes it, or null for never
 * @param message why it is in its phase, e.g. why it FAILED
 */
public record SandboxInfo(
    String id,
    String template,
    String warmPool,
    Map<String, String> labels,
    Phase phase,
    String launchType,
    String runtime,
    Instant createdAt,
    Instant shutdownTime,
    String message) {

  public SandboxInfo {
    labels = Map.copyOf(labels);
  }

  /** Where a sandbox is in its life. */
  public enum Phase {
    PENDING,
    /** Running; takes calls. */
    READY,
    /** Stopped with its {@code /workspace} kept; {@link Sandbox#resume()} starts it again. */
    SUSPENDED,
    FAILED,
    TERMINATED,
    /** A phase this SDK does not know yet (a newer server). */
    UNKNOWN
  }
}
