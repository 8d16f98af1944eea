package dev.bastion.sandboxd;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Starts and stops a sandboxd in the test's JVM, waiting for each at most 20 s. */
final class LocalSandboxd {

  private LocalSandboxd() {}

  /** A sandboxd started with these command-line arguments, once it serves. */
  static SandboxdServer start(String... args) throws Exception {
    return await(SandboxdServer.start(SandboxdConfig.parse(args)));
  }

  /** Waits for a start; its failure is the ExecutionException's cause. */
  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static void stop(SandboxdServer server) throws Exception {
    await(server.close());
  }
}
