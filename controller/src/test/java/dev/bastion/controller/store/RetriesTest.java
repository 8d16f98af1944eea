package dev.bastion.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetriesTest {

  @Test
  void aWriteThatLostARaceIsRunAgainUntilItWins() {
    AtomicInteger attempts = new AtomicInteger();
    String result =
        Retries.onConflict(
            () -> {
              if (attempts.incrementAndGet() < 3) {
                throw new StoreException(StoreException.Reason.CONFLICT, "changed meanwhile");
              }
              return "written";
            });
    assertThat(result).isEqualTo("written");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void givesUpAfterFiveConflictsAndNeverRetriesOtherFailures() {
    AtomicInteger conflicts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Retries.onConflict(
                    () -> {
                      conflicts.incrementAndGet();
                      throw new StoreException(StoreException.Reason.CONFLICT, "changed");
                    }))
        .isInstanceOf(StoreException.class);
    assertThat(conflicts).hasValue(Retries.ATTEMPTS);

    AtomicInteger missing = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Retries.onConflict(
                    () -> {
                      missing.incrementAndGet();
                      throw new StoreException(StoreException.Reason.NOT_FOUND, "gone");
                    }))
        .hasMessage("gone");
    assertThat(missing).hasValue(1);
  }
}
