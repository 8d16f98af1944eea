package dev.bastion.controller.reconcile;

import java.time.Duration;

/**
 * A pod could not be started now; the message is fit for a condition and an API error.
 *
 * <p>The reason becomes the Sandbox's Ready reason. A pending start (an image still being pulled)
 * is retried soon and is no failure; any other is retried after a pause.
 */
public final class PodStartException extends RuntimeException {

  private final String reason;
  private final boolean pending;

  public PodStartException(String message) {
    this("ReconcilerError", message, false);
  }

  private PodStartException(String reason, String message, boolean pending) {
    super(message, null, false, false);
    this.reason = reason;
    this.pending = pending;
  }

  /** The start waits on something under way, e.g. a pull; the message says how far it got. */
  public static PodStartException pending(String reason, String message) {
    return new PodStartException(reason, message, true);
  }

  /** The start failed for {@code reason}, e.g. an image that cannot be pulled. */
  public static PodStartException failed(String reason, String message) {
    return new PodStartException(reason, message, false);
  }

  public String reason() {
    return reason;
  }

  public boolean pending() {
    return pending;
  }

  /** When to try again. */
  Duration retryAfter() {
    return pending ? PENDING_RETRY : SandboxReconciler.START_RETRY;
  }

  /** How often a pending start looks again: a pull's progress shows at this pace. */
  static final Duration PENDING_RETRY = Duration.ofMillis(250);
}
