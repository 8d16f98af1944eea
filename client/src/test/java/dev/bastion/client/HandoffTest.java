package dev.bastion.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Results reach user code off the event loop, and blocking waits refuse to happen on one. */
class HandoffTest {

  private final Vertx vertx = Vertx.vertx();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void close() throws Exception {
    executor.shutdown();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBlockingWaitOnAnEventLoopIsRefusedBeforeTheCallIsMade() throws Exception {
    AtomicBoolean called = new AtomicBoolean();
    CompletableFuture<Throwable> refusal = new CompletableFuture<>();
    vertx.runOnContext(
        ignored -> {
          try {
            Handoff.await(
                "Sandbox.run",
                () -> {
                  called.set(true);
                  return Future.succeededFuture();
                });
            refusal.complete(null);
          } catch (RuntimeException e) {
            refusal.complete(e);
          }
        });
    assertThat(refusal.get(10, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Sandbox.run")
        .hasMessageContaining("event loop");
    assertThat(called).isFalse();
  }

  @Test
  void aBlockingWaitThrowsTheFailureAsABastionException() {
    BastionException failure =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            BastionException.class,
            () ->
                Handoff.await(
                    "Sandboxes.get",
                    () -> Future.failedFuture(new StatusFailure(GrpcStatus.NOT_FOUND, "gone"))));
    assertThat(failure.code()).isEqualTo(BastionException.Code.NOT_FOUND);
    assertThat(failure.description()).isEqualTo("gone");
  }

  @Test
  void anAsyncResultCompletedOnAnEventLoopReachesUserCodeOnTheExecutor() throws Exception {
    CompletableFuture<Boolean> onEventLoop = new CompletableFuture<>();
    vertx.runOnContext(
        ignored -> {
          Promise<String> answer = Promise.promise();
          Handoff.async(answer.future(), executor)
              .thenRun(() -> onEventLoop.complete(Context.isOnEventLoopThread()));
          // The server's answer arrives on the event loop, after the caller chained its code.
          answer.complete("done");
        });
    assertThat(onEventLoop.get(10, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void anAsyncFailureIsABastionException() {
    CompletableFuture<Object> stage =
        Handoff.async(
                Future.failedFuture(new StatusFailure(GrpcStatus.UNAVAILABLE, "down")), executor)
            .toCompletableFuture();
    assertThat(stage)
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(BastionException.class)
        .withMessage("UNAVAILABLE: down");
  }
}
