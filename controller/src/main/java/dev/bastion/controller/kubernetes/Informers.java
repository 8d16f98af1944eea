package dev.bastion.controller.kubernetes;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting informers together, with an error that says what could not be read. */
final class Informers {

  private Informers() {}

  /**
   * Starts every informer and blocks until each has listed its objects; when one cannot, closes
   * them all.
   *
   * @param what what they watch, for the error, e.g. "the pods in namespace x"
   * @throws IllegalStateException when the API server does not answer in time or refuses
   */
  static void startAll(
      String what, Duration timeout, Collection<? extends SharedIndexInformer<?>> informers) {
    try {
      CompletableFuture.allOf(
              informers.stream()
                  .map(informer -> informer.start().toCompletableFuture())
                  .toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      informers.forEach(SharedIndexInformer::close);
      throw new IllegalStateException(
          "could not list " + what + " within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      informers.forEach(SharedIndexInformer::close);
      throw new IllegalStateException(
          "could not list " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      informers.forEach(SharedIndexInformer::close);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing " + what, e);
    }
  }
}
