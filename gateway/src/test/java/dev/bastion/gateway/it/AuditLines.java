package dev.bastion.gateway.it;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A test server's audit log, which its own thread writes a moment after each decision. */
final class AuditLines {

  private AuditLines() {}

  /** The first line of {@code log} that {@code wanted} accepts, once it has been written. */
  static JsonObject await(Path log, Predicate<String> wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log)) {
          if (wanted.test(line)) {
            return new JsonObject(line);
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no such audit line in " + log);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}
