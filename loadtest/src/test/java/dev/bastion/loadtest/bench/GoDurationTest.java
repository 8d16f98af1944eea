package dev.bastion.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

  @Test
  void parsesGoDurations() {
    assertThat(GoDuration.parse("0")).isZero();
    assertThat(GoDuration.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("300us")).isEqualTo(Duration.ofNanos(300_000));
    assertThat(GoDuration.parse("300µs")).isEqualTo(Duration.ofNanos(300_000));
    assertThat(GoDuration.parse("42ns")).isEqualTo(Duration.ofNanos(42));
  }

  @Test
  void refusesNumbersWithoutAUnit() {
    for (String bad : new String[] {"10", "", "s", "10x", "1m30", "-5s"}) {
      assertThatThrownBy(() -> GoDuration.parse(bad)).hasMessageContaining("is not a duration");
    }
  }
}
