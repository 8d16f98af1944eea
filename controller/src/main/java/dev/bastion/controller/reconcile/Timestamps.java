package dev.bastion.controller.reconcile;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** RFC 3339 times as the API carries them. */
public final class Timestamps {

  private Timestamps() {}

  /** The instant of an RFC 3339 time, or null when {@code value} is null or blank. */
  public static Instant parse(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an RFC 3339 time: \"" + value + "\"");
    }
  }
}
