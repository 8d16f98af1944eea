package dev.bastion.controller.store;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs a read-modify-write again when it lost a race, as client-go's {@code RetryOnConflict} does:
 * the write must read what it changes afresh on every attempt.
 */
public final class Retries {

  /** Enough for the controller's own status writes racing an agent's change, without spinning. */
  static final int ATTEMPTS = 5;

  private Retries() {}

  /** Runs {@code readModifyWrite} until it does not fail with a conflict, at most 5 times. */
  public static <T> T onConflict(Supplier<T> readModifyWrite) {
    return on(readModifyWrite, StoreException::isConflict);
  }

  /** Runs {@code write} until it does not fail as {@code retryable} says, at most 5 times. */
  public static <T> T on(Supplier<T> write, Predicate<StoreException> retryable) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (StoreException e) {
        if (!retryable.test(e) || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
