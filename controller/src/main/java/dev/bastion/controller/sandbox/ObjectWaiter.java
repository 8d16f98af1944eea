package dev.bastion.controller.sandbox;

import dev.bastion.controller.store.ResourceEvent;
import dev.bastion.controller.store.ResourceStore;
import io.fabric8.kubernetes.client.CustomResource;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Waits, without a thread, until an object in the store reaches a state: each change to the object
 * re-checks it. Used to answer "return when Ready" calls.
 */
public final class ObjectWaiter {

  private final Vertx vertx;
  private final ResourceStore store;
  private final Map<String, List<Waiter<?, ?>>> waiters = new ConcurrentHashMap<>();

  public ObjectWaiter(Vertx vertx, ResourceStore store) {
    this.vertx = vertx;
    this.store = store;
    store.watch(this::onEvent);
  }

  /**
   * Completes with {@code check}'s answer once it has one for the object (absent when deleted after
   * it was seen; an object not seen yet is waited for), or fails with {@code onTimeout} after
   * {@code timeout}.
   *
   * @param check returns empty to keep waiting; it may throw to fail the wait. It sees the stored
   *     object itself (see {@link ResourceStore#read}): it must only read it, and what it returns
   *     must not share the object's state.
   */
  public <T extends CustomResource<?, ?>, R> Future<R> await(
      Class<T> kind,
      String namespace,
      String name,
      Function<Optional<T>, Optional<R>> check,
      Duration timeout,
      RuntimeException onTimeout) {
    Promise<R> promise = Promise.promise();
    String key = key(io.fabric8.kubernetes.api.model.HasMetadata.getKind(kind), namespace, name);
    Waiter<T, R> waiter = new Waiter<>(kind, namespace, name, check, promise);
    waiters.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(waiter);
    long timer = vertx.setTimer(timeout.toMillis(), id -> promise.tryFail(onTimeout));
    promise
        .future()
        .onComplete(
            done -> {
              vertx.cancelTimer(timer);
              List<Waiter<?, ?>> list = waiters.get(key);
              if (list != null) {
                list.remove(waiter);
                if (list.isEmpty()) {
                  waiters.remove(key, list);
                }
              }
            });
    // Registered first, checked second: no change can slip between the two.
    waiter.check(store);
    return promise.future();
  }

  private void onEvent(ResourceEvent event) {
    List<Waiter<?, ?>> list = waiters.get(key(event.kind(), event.namespace(), event.name()));
    if (list != null) {
      list.forEach(w -> w.check(store));
    }
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }

  private static final class Waiter<T extends CustomResource<?, ?>, R> {
    private final Class<T> kind;
    private final String namespace;
    private final String name;
    private final Function<Optional<T>, Optional<R>> check;
    private final Promise<R> promise;

    /** Whether the object has been seen: only then does its absence mean it was deleted. */
    private volatile boolean seen;

    Waiter(
        Class<T> kind,
        String namespace,
        String name,
        Function<Optional<T>, Optional<R>> check,
        Promise<R> promise) {
      this.kind = kind;
      this.namespace = namespace;
      this.name = name;
      this.check = check;
      this.promise = promise;
    }

    void check(ResourceStore store) {
      if (promise.future().isComplete()) {
        return;
      }
      try {
        // Every change re-checks every waiter of the object: read it in place, not a copy each.
        Optional<T> found = store.read(kind, namespace, name, Function.identity());
        if (found.isEmpty() && !seen) {
          // Not there yet rather than gone: a store read from an informer's cache shows an object
          // a moment after the call that created it returned. Its arrival is an event too.
          return;
        }
        seen = true;
        check.apply(found).ifPresent(promise::tryComplete);
      } catch (RuntimeException e) {
        promise.tryFail(e);
      }
    }
  }
}
