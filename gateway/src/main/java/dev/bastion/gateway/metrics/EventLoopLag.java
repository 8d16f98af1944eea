package dev.bastion.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bastion_event_loop_lag_seconds{loop}}: how late a task scheduled on each event loop ran,
 * measured every {@code period}. A loop that something blocks shows it here first (Vert.x itself
 * only warns in the log); Netty's {@code netty_eventexecutor_tasks_pending} shows the queue behind.
 */
public final class EventLoopLag {

  private EventLoopLag() {}

  /** Starts measuring every event loop of {@code vertx}; stops with it. */
  public static void monitor(Vertx vertx, MeterRegistry registry, Duration period) {
    int index = 0;
    for (EventExecutor loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      AtomicLong lagNanos = new AtomicLong();
      Gauge.builder("bastion.event.loop.lag", lagNanos, n -> n.get() / 1e9)
          .description("How late the last probe task ran on this event loop")
          .baseUnit("seconds")
          .tag("loop", String.valueOf(index++))
          .register(registry);
      probe(loop, lagNanos, period.toNanos());
    }
  }

  private static void probe(EventExecutor loop, AtomicLong lagNanos, long periodNanos) {
    long due = System.nanoTime() + periodNanos;
    if (loop.isShuttingDown()) {
      return;
    }
    loop.schedule(
        () -> {
          lagNanos.set(Math.max(0, System.nanoTime() - due));
          probe(loop, lagNanos, periodNanos);
        },
        periodNanos,
        TimeUnit.NANOSECONDS);
  }
}
