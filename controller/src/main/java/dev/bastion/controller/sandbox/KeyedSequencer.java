package dev.bastion.controller.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous operations one at a time per key: an operation on a sandbox starts only when
 * the previous one on the same sandbox has finished, so a delete never races a start.
 */
final class KeyedSequencer {

  private final Map<String, Future<?>> tails = new HashMap<>();

  /** Runs {@code operation} after every operation queued before it on {@code key}. */
  <T> Future<T> run(String key, Supplier<Future<T>> operation) {
    Promise<T> done = Promise.promise();
    Future<?> previous;
    synchronized (tails) {
      previous = tails.getOrDefault(key, Future.succeededFuture());
      tails.put(key, done.future());
    }
    previous
        .transform(ignored -> safely(operation))
        .onComplete(
            result -> {
              synchronized (tails) {
                tails.remove(key, done.future());
              }
              done.handle(result);
            });
    return done.future();
  }

  private static <T> Future<T> safely(Supplier<Future<T>> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
