package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.kubernetes.ClusterFixtures;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watcher the attack suites rely on sees a blocked event loop when there is one. */
class BlockedThreadWarningsIT {

  @Test
  void anEventLoopHeldPastTheLimitIsReported() throws Exception {
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setBlockedThreadCheckInterval(50)
                .setMaxEventLoopExecuteTime(100)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    try (BlockedThreadWarnings watched = new BlockedThreadWarnings()) {
      vertx
          .getOrCreateContext()
          .runOnContext(
              held -> {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
                while (System.nanoTime() < until && watched.warnings().isEmpty()) {
                  Thread.onSpinWait();
                }
              });
      ClusterFixtures.await(
          () -> !watched.warnings().isEmpty(), Duration.ofSeconds(10), "a blocked-thread warning");
      assertThat(watched.warnings()).first().asString().contains("has been blocked for");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
