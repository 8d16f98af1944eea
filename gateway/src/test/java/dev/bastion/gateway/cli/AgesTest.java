package dev.bastion.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgesTest {

  @Test
  void eachUnitLastsUntilTheNextReachesTwo() {
    assertThat(Ages.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Ages.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Ages.format(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(Ages.format(Duration.ofSeconds(120))).isEqualTo("2m");
    assertThat(Ages.format(Duration.ofMinutes(12).plusSeconds(59))).isEqualTo("12m");
    assertThat(Ages.format(Duration.ofMinutes(119))).isEqualTo("119m");
    assertThat(Ages.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Ages.format(Duration.ofHours(47))).isEqualTo("47h");
    assertThat(Ages.format(Duration.ofDays(2))).isEqualTo("2d");
    assertThat(Ages.format(Duration.ofDays(729))).isEqualTo("729d");
    assertThat(Ages.format(Duration.ofDays(3 * 365))).isEqualTo("3y");
  }

  @Test
  void creationInTheFutureIsZero() {
    assertThat(Ages.format(Duration.ofSeconds(-30))).isEqualTo("0s");
  }

  @Test
  void agesCountFromRfc3339Timestamps() {
    Instant now = Instant.parse("2025-06-01T12:00:00Z");
    assertThat(Ages.since("2025-06-01T11:59:15Z", now)).isEqualTo("45s");
    assertThat(Ages.since("2025-06-01T13:00:00+02:00", now)).isEqualTo("60m");
    assertThat(Ages.since("2025-05-27T12:00:00.123456Z", now)).isEqualTo("4d");
  }

  @Test
  void missingOrBadTimestampsAreUnknown() {
    Instant now = Instant.parse("2025-06-01T12:00:00Z");
    assertThat(Ages.since(null, now)).isEqualTo("<unknown>");
    assertThat(Ages.since("yesterday", now)).isEqualTo("<unknown>");
  }
}
