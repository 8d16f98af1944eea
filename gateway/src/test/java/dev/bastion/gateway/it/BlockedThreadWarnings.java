package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the warnings of Vert.x's blocked-thread checker in this JVM (it logs through
 * java.util.logging here) while open: a suite that attacks an in-process gateway asserts none were
 * logged, so "nothing an agent sends holds an event loop" is checked, not assumed.
 */
final class BlockedThreadWarnings implements AutoCloseable {

  // The name Vert.x 5 still logs under, from before the class moved to internal.threadchecker.
  static final String LOGGER = "io.vertx.core.impl.BlockedThreadChecker";

  // Held, so the logger (and the handler on it) is not collected while watched.
  private final Logger logger = Logger.getLogger(LOGGER);
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          warnings.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  BlockedThreadWarnings() {
    logger.addHandler(handler);
  }

  /** What the checker warned of since this opened, e.g. "Thread ... has been blocked for ..." */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }

  /** Stops watching and fails when the checker warned: the suite held an event loop. */
  void closeAndAssertQuiet() {
    close();
    assertThat(warnings()).as("Vert.x's blocked-thread checker").isEmpty();
  }
}
