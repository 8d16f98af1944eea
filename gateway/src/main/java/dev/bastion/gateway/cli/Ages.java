package dev.bastion.gateway.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * kubectl-style short ages for the AGE column.
 *
 * <p>The rule, simpler than kubectl's: each unit is used until the next one reaches 2, so an age
 * reads as at least "2" of its unit and never as "1": seconds below 2 minutes ({@code 45s}, {@code
 * 119s}), minutes below 2 hours ({@code 12m}), hours below 2 days ({@code 3h}, {@code 47h}), days
 * below 2 years ({@code 5d}), then years ({@code 3y}). Values are truncated, never rounded up. A
 * creation time in the future (clocks out of step) reads {@code 0s}.
 */
final class Ages {

  private Ages() {}

  /** The age of an object created at {@code creationTimestamp} (RFC 3339), or {@code <unknown>}. */
  static String since(String creationTimestamp, Instant now) {
    if (creationTimestamp == null) {
      return "<unknown>";
    }
    try {
      return format(Duration.between(Instant.parse(creationTimestamp), now));
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
  }

  /** {@code age} in its short form. */
  static String format(Duration age) {
    long seconds = Math.max(0, age.toSeconds());
    if (seconds < 2 * 60) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 2 * 60) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 2 * 24) {
      return hours + "h";
    }
    long days = hours / 24;
    if (days < 2 * 365) {
      return days + "d";
    }
    return days / 365 + "y";
  }
}
