package dev.bastion.controller.reconcile;

import java.time.Duration;

/**
 * When to look at an object again regardless of events: never (events and the periodic resync are
 * enough), or after a delay because time itself will change the outcome (an expiry, a start-up in
 * progress).
 */
public record Requeue(Duration after) {

  private static final Requeue NEVER = new Requeue(null);

  public static Requeue never() {
    return NEVER;
  }

  public static Requeue after(Duration delay) {
    return new Requeue(delay.isNegative() ? Duration.ZERO : delay);
  }

  /** The sooner of the two. */
  public Requeue orSooner(Requeue other) {
    if (after == null) {
      return other;
    }
    if (other.after == null) {
      return this;
    }
    return other.after.compareTo(after) < 0 ? other : this;
  }

  public boolean isNever() {
    return after == null;
  }
}
