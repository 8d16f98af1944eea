package dev.bastion.controller.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for informers' first lists, with an error that says what could not be read. */
final class Informers {

  private Informers() {}

  /**
   * Blocks until every informer in {@code synced} has listed its objects.
   *
   * @param what what they watch, for the error, e.g. "the pods in namespace x"
   * @throws IllegalStateException when the API server does not answer in time or refuses
   */
  static void await(List<CompletionStage<Void>> synced, Duration timeout, String what) {
    CompletableFuture<?> all =
        CompletableFuture.allOf(
            synced.stream()
                .map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    try {
      all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "could not list " + what + " within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not list " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing " + what, e);
    }
  }
}
