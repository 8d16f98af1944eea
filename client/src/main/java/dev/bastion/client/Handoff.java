package dev.bastion.client;

import dev.bastion.client.BastionException.Code;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * How results computed on Vert.x event loops reach user code: a blocking wait on the caller's own
 * thread, or a stage completed on the SDK's executor, so that no user code ever runs on (and can
 * block) an event loop.
 */
final class Handoff {

  private Handoff() {}

  /**
   * Makes {@code call} and waits for its result on the calling thread, or throws what it failed
   * with as a {@link BastionException}. On an event loop it refuses before the call is made:
   * waiting there would stall every connection that loop serves (and, when the result needs that
   * loop, never return).
   *
   * @param what the SDK method, for the refusal's message
   */
  static <T> T await(String what, Supplier<Future<T>> call) {
    refuseEventLoop(what);
    try {
      return call.get().toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw Failures.of(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BastionException(Code.CANCELLED, "interrupted while waiting in " + what, e);
    }
  }

  private static void refuseEventLoop(String what) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          what
              + " blocks until Bastion answers, and "
              + Thread.currentThread().getName()
              + " is a Vert.x event loop, which must never block: call it from another thread"
              + " (a virtual thread, a worker) or use its asynchronous variant");
    }
  }

  /**
   * A stage that completes like {@code result}, on {@code executor}, with failures as {@link
   * BastionException}. Actions chained before it completes run on the executor; one chained after
   * runs on the thread that chains it, as with any {@link CompletableFuture}.
   */
  static <T> CompletionStage<T> async(Future<T> result, Executor executor) {
    CompletableFuture<T> stage = new CompletableFuture<>();
    result.onComplete(
        (value, failure) ->
            executor.execute(
                () -> {
                  if (failure == null) {
                    stage.complete(value);
                  } else {
                    stage.completeExceptionally(Failures.of(failure));
                  }
                }));
    return stage;
  }
}
