package dev.bastion.controller.sandbox;

import java.time.Duration;

/**
 * Knobs of the embedded sandbox manager.
 *
 * @param maxSandboxesPerTenant how many live sandboxes one tenant may hold
 * @param defaultLifetime lifetime of a sandbox created without timeout_seconds
 * @param maxLifetime the longest lifetime a request may ask for
 * @param readyTimeout how long sandboxd may take to come up
 * @param sweepInterval how often containers are checked for deaths and expiry
 */
public record EmbeddedOptions(
    int maxSandboxesPerTenant,
    Duration defaultLifetime,
    Duration maxLifetime,
    Duration readyTimeout,
    Duration sweepInterval) {

  public static EmbeddedOptions defaults() {
    return new EmbeddedOptions(
        50, Duration.ofHours(1), Duration.ofDays(7), Duration.ofSeconds(60), Duration.ofSeconds(2));
  }
}
