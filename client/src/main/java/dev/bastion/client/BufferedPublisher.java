package dev.bastion.client;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Flow.Publisher} for one subscriber of what a pausable source pushes. It holds items
 * until the subscriber asks for them, also those pushed before it subscribed, so nothing is lost to
 * a late subscription; it pauses the source while it holds more than {@link #HIGH_WATER} items and
 * resumes it below {@link #LOW_WATER}, so a slow subscriber slows the source instead of filling
 * memory. All signals go through one serial executor: in order, never concurrently, never on the
 * source's thread.
 *
 * <p>The source side ({@link #offer}, {@link #complete}, {@link #fail}) is called by one thread at
 * a time.
 */
final class BufferedPublisher<T> implements Flow.Publisher<T> {

  static final int HIGH_WATER = 64;
  static final int LOW_WATER = 16;

  private final Executor signals;
  private final Runnable pauseSource;
  private final Runnable resumeSource;
  private final Queue<T> held = new ConcurrentLinkedQueue<>();
  private final AtomicInteger heldCount = new AtomicInteger();
  private final AtomicBoolean paused = new AtomicBoolean();
  private final AtomicLong demand = new AtomicLong();
  private final AtomicReference<Flow.Subscriber<? super T>> subscriber = new AtomicReference<>();
  private volatile boolean subscribed;
  private volatile boolean cancelled;
  private volatile Throwable failure;
  private volatile boolean ended;
  // Only read and written by tasks on `signals`, which run one at a time.
  private boolean terminated;

  /**
   * @param signals a serial executor: subscriber code runs there
   * @param pauseSource asks the source to stop pushing for now
   * @param resumeSource asks it to push again
   */
  BufferedPublisher(Executor signals, Runnable pauseSource, Runnable resumeSource) {
    this.signals = signals;
    this.pauseSource = pauseSource;
    this.resumeSource = resumeSource;
  }

  void offer(T item) {
    if (cancelled) {
      return;
    }
    held.add(item);
    if (heldCount.incrementAndGet() > HIGH_WATER && paused.compareAndSet(false, true)) {
      pauseSource.run();
    }
    signals.execute(this::drain);
  }

  /** The source ended: the subscriber completes once it has every item. */
  void complete() {
    ended = true;
    signals.execute(this::drain);
  }

  /** The source failed: the subscriber hears it once it has every item held before. */
  void fail(Throwable cause) {
    failure = cause;
    ended = true;
    signals.execute(this::drain);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> candidate) {
    Objects.requireNonNull(candidate, "subscriber");
    if (!subscriber.compareAndSet(null, candidate)) {
      signals.execute(
          () -> {
            candidate.onSubscribe(new Refused());
            candidate.onError(
                new IllegalStateException("an exec's events have one subscriber, and it has one"));
          });
      return;
    }
    signals.execute(
        () -> {
          subscribed = true;
          candidate.onSubscribe(new Subscription());
          drain();
        });
  }

  private void drain() {
    if (!subscribed || terminated) {
      return;
    }
    Flow.Subscriber<? super T> target = subscriber.get();
    while (!cancelled && demand.get() > 0) {
      T item = held.poll();
      if (item == null) {
        break;
      }
      release();
      demand.getAndUpdate(n -> n == Long.MAX_VALUE ? n : n - 1);
      try {
        target.onNext(item);
      } catch (RuntimeException | Error e) {
        // A subscriber must not throw (Reactive Streams 2.13): treat it as cancelled, and let the
        // executor's thread report the exception.
        cancelled = true;
        discard();
        throw e;
      }
    }
    if (cancelled) {
      discard();
    } else if (ended && held.isEmpty()) {
      terminated = true;
      Throwable cause = failure;
      if (cause == null) {
        target.onComplete();
      } else {
        target.onError(cause);
      }
    }
  }

  private void release() {
    if (heldCount.decrementAndGet() <= LOW_WATER && paused.compareAndSet(true, false)) {
      resumeSource.run();
    }
  }

  /** Drops what is held, and lets the source run: nobody will read it. */
  private void discard() {
    while (held.poll() != null) {
      release();
    }
    if (paused.compareAndSet(true, false)) {
      resumeSource.run();
    }
  }

  private final class Subscription implements Flow.Subscription {

    @Override
    public void request(long n) {
      if (n <= 0) {
        signals.execute(
            () -> {
              if (terminated) {
                return;
              }
              terminated = true;
              cancelled = true;
              discard();
              subscriber
                  .get()
                  .onError(
                      new IllegalArgumentException(
                          "request(" + n + "): demand must be positive (Reactive Streams 3.9)"));
            });
        return;
      }
      demand.getAndUpdate(current -> current + n < 0 ? Long.MAX_VALUE : current + n);
      signals.execute(BufferedPublisher.this::drain);
    }

    @Override
    public void cancel() {
      cancelled = true;
      signals.execute(BufferedPublisher.this::drain);
    }
  }

  /** The subscription of a subscriber that came second: it gets nothing but the error. */
  private static final class Refused implements Flow.Subscription {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }
}
