package dev.bastion.controller.reconcile;

import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceEvent;
import dev.bastion.controller.store.ResourceStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The work queue that drives the reconcilers: a change to an object queues it and its owners; a
 * queued object is reconciled on the worker pool, never twice at once (a change during a pass
 * queues one more pass after it); failures retry with a growing delay; and a periodic full resync
 * queues everything in case an event was lost.
 *
 * <p>Each kind has its own number of workers, as each controller has its own in controller-runtime:
 * sandbox starts take seconds, and a burst of them must not hold every worker while claims, which
 * take milliseconds, wait in the queue behind them.
 */
public final class ControllerLoop {

  private static final Logger LOG = Logger.getLogger(ControllerLoop.class.getName());
  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration LAST_RETRY = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final String workerPool;
  private final Duration resyncPeriod;
  private final Map<String, Reconciler> reconcilers = new HashMap<>();
  private final Map<String, Integer> workersByKind = new HashMap<>();
  private final Map<String, Function<ResourceEvent, List<ObjectKey>>> mappings = new HashMap<>();
  private final Map<String, Supplier<List<ObjectKey>>> inventories = new HashMap<>();

  // Queue state, guarded by this.
  private final LinkedHashSet<ObjectKey> queue = new LinkedHashSet<>();
  private final Set<ObjectKey> running = new HashSet<>();
  private final Map<String, Integer> runningByKind = new HashMap<>();
  private final Set<ObjectKey> dirty = new HashSet<>();
  private final Map<ObjectKey, Timer> timers = new HashMap<>();
  private final Map<ObjectKey, Integer> failures = new HashMap<>();
  private final Map<ObjectKey, List<Promise<Void>>> waiting = new HashMap<>();
  private final Map<ObjectKey, List<Promise<Void>>> inPass = new HashMap<>();
  private WorkerExecutor worker;
  private long resyncTimer = -1;
  private boolean stopped;

  /** Another process reconciles (a Kubernetes replica not holding the lease): nothing runs here. */
  private boolean standby;

  /**
   * @param workerPool the name of the worker pool the passes run on, sized at start to the sum of
   *     the kinds' workers
   */
  public ControllerLoop(Vertx vertx, String workerPool, Duration resyncPeriod) {
    this.vertx = vertx;
    this.workerPool = workerPool;
    this.resyncPeriod = resyncPeriod;
  }

  /**
   * Registers {@code reconciler} for its kind, reconciling up to {@code workers} of its objects at
   * once; {@code inventory} lists every object of the kind for the resync, on a worker thread.
   */
  public ControllerLoop register(
      Reconciler reconciler, int workers, Supplier<List<ObjectKey>> inventory) {
    if (workers < 1) {
      throw new IllegalArgumentException("a kind needs at least one worker");
    }
    reconcilers.put(reconciler.kind(), reconciler);
    workersByKind.put(reconciler.kind(), workers);
    inventories.put(reconciler.kind(), inventory);
    return this;
  }

  /**
   * Wakes other objects when one of {@code kind} changes, beyond its owners: e.g. the pools that
   * use a template.
   */
  public ControllerLoop map(String kind, Function<ResourceEvent, List<ObjectKey>> mapping) {
    mappings.put(kind, mapping);
    return this;
  }

  /** Starts watching {@code store}, queues every object, and resyncs periodically. */
  public void start(ResourceStore store) {
    int workers = workersByKind.values().stream().mapToInt(Integer::intValue).sum();
    WorkerExecutor pool = vertx.createSharedWorkerExecutor(workerPool, workers);
    synchronized (this) {
      worker = pool;
      standby = false;
    }
    store.watch(this::onEvent);
    resync();
    resyncTimer =
        vertx.setPeriodic(
            resyncPeriod.toMillis(),
            id ->
                pool.executeBlocking(
                    () -> {
                      resync();
                      return null;
                    },
                    false));
  }

  /** Stops queuing and starting passes; passes already running finish on their own. */
  public synchronized void stop() {
    stopped = true;
    vertx.cancelTimer(resyncTimer);
    timers.values().forEach(t -> vertx.cancelTimer(t.id()));
    timers.clear();
    queue.clear();
    if (worker != null) {
      worker.close();
      worker = null;
    }
  }

  /** Queues every object of every registered kind. */
  public void resync() {
    for (Supplier<List<ObjectKey>> inventory : inventories.values()) {
      inventory.get().forEach(this::enqueue);
    }
  }

  /** Queues one pass over {@code key} (a no-op when it is already queued). */
  public void enqueue(ObjectKey key) {
    synchronized (this) {
      if (stopped || !reconcilers.containsKey(key.kind())) {
        return;
      }
      if (running.contains(key)) {
        dirty.add(key);
        return;
      }
      queue.add(key);
    }
    dispatch();
  }

  /**
   * Marks the loop as standing by until {@link #start}: another process reconciles, so {@link
   * #reconcileNow} does not wait for passes that will not run here.
   */
  public synchronized void standBy() {
    standby = true;
  }

  /**
   * Completes after a pass over {@code key} that started after this call; at once when this loop
   * stands by or has stopped (the pass happens elsewhere, on the event the change made).
   */
  public Future<Void> reconcileNow(ObjectKey key) {
    Promise<Void> done = Promise.promise();
    synchronized (this) {
      if (standby || stopped) {
        return Future.succeededFuture();
      }
      waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(done);
    }
    enqueue(key);
    return done.future();
  }

  private void onEvent(ResourceEvent event) {
    enqueue(new ObjectKey(event.kind(), event.namespace(), event.name()));
    event.owners().forEach(this::enqueue);
    Function<ResourceEvent, List<ObjectKey>> mapping = mappings.get(event.kind());
    if (mapping != null) {
      mapping.apply(event).forEach(this::enqueue);
    }
  }

  private void dispatch() {
    List<ObjectKey> starting = new ArrayList<>();
    WorkerExecutor pool;
    synchronized (this) {
      pool = worker;
      if (pool == null) {
        return; // Not started: what is queued waits for start.
      }
      var iterator = queue.iterator();
      while (iterator.hasNext()) {
        ObjectKey key = iterator.next();
        int busy = runningByKind.getOrDefault(key.kind(), 0);
        if (busy >= workersByKind.get(key.kind())) {
          continue;
        }
        iterator.remove();
        running.add(key);
        runningByKind.put(key.kind(), busy + 1);
        List<Promise<Void>> waiters = waiting.remove(key);
        if (waiters != null) {
          inPass.put(key, waiters);
        }
        starting.add(key);
      }
    }
    for (ObjectKey key : starting) {
      Reconciler reconciler = reconcilers.get(key.kind());
      pool.executeBlocking(() -> reconciler.reconcile(key.namespace(), key.name()), false)
          .onComplete(result -> finish(key, result.result(), result.cause()));
    }
  }

  private void finish(ObjectKey key, Requeue requeue, Throwable failure) {
    List<Promise<Void>> waiters;
    synchronized (this) {
      running.remove(key);
      runningByKind.merge(key.kind(), -1, Integer::sum);
      waiters = inPass.remove(key);
      if (dirty.remove(key)) {
        queue.add(key);
      }
      if (failure != null) {
        int attempt = failures.merge(key, 1, Integer::sum);
        LOG.log(
            attempt == 1 ? Level.WARNING : Level.FINE,
            "reconcile of " + key + " failed (attempt " + attempt + "): " + failure.getMessage(),
            failure);
        schedule(key, backoff(attempt));
      } else {
        failures.remove(key);
        if (!requeue.isNever()) {
          schedule(key, requeue.after());
        }
      }
    }
    if (waiters != null) {
      waiters.forEach(
          w -> {
            if (failure == null) {
              w.complete();
            } else {
              w.fail(failure);
            }
          });
    }
    dispatch();
  }

  /** Keeps one timer per object: the sooner one wins. Called holding the lock. */
  private void schedule(ObjectKey key, Duration delay) {
    if (stopped) {
      return;
    }
    if (delay.isZero()) {
      queue.add(key);
      return;
    }
    long deadline = System.nanoTime() + delay.toNanos();
    Timer previous = timers.get(key);
    if (previous != null) {
      if (previous.deadline() <= deadline) {
        return;
      }
      vertx.cancelTimer(previous.id());
    }
    long id =
        vertx.setTimer(
            Math.max(1, delay.toMillis()),
            fired -> {
              synchronized (this) {
                Timer current = timers.get(key);
                if (current != null && current.id() == fired) {
                  timers.remove(key);
                }
              }
              enqueue(key);
            });
    timers.put(key, new Timer(id, deadline));
  }

  private record Timer(long id, long deadline) {}

  private static Duration backoff(int attempt) {
    Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(attempt - 1, 10));
    return delay.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : delay;
  }
}
