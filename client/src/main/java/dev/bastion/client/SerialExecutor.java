package dev.bastion.client;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time in the order they came, on any executor (one virtual thread per task, a
 * pool): what keeps one exec's callbacks and Flow signals ordered and never concurrent.
 */
final class SerialExecutor implements Executor {

  private final Executor delegate;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (running.compareAndSet(false, true)) {
      delegate.execute(this::runQueued);
    }
  }

  private void runQueued() {
    try {
      for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
        task.run();
      }
    } finally {
      // A task that threw leaves the rest queued: they run on a fresh turn.
      running.set(false);
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}
