package dev.bastion.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams between callers and sandboxd, by {@link StreamKind}: {@code
 * bastion_streams_active{kind}}, {@code bastion_stream_bytes_total{kind,direction}} and, for
 * processes, {@code bastion_exec_duration_seconds{kind}}. Every meter is registered up front, so
 * each series is in the first scrape (at zero) and counting a message allocates nothing.
 */
public final class StreamMetrics {

  private final Map<StreamKind, Flow> flows = new EnumMap<>(StreamKind.class);

  public StreamMetrics(MeterRegistry registry) {
    for (StreamKind kind : StreamKind.values()) {
      flows.put(kind, kind == StreamKind.NONE ? Flow.UNCOUNTED : new Flow(registry, kind));
    }
  }

  /** The meters of {@code kind}; those of {@link StreamKind#NONE} count nothing. */
  public Flow of(StreamKind kind) {
    return flows.get(kind);
  }

  /** The meters of one kind of stream. Thread-safe. */
  public static final class Flow {

    static final Flow UNCOUNTED = new Flow();

    private final AtomicInteger active;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Timer duration;

    private Flow() {
      this.active = null;
      this.bytesIn = null;
      this.bytesOut = null;
      this.duration = null;
    }

    private Flow(MeterRegistry registry, StreamKind kind) {
      String label = kind.label();
      this.active = new AtomicInteger();
      Gauge.builder("bastion.streams.active", active, AtomicInteger::get)
          .description("Streams to sandboxd open now")
          .tag("kind", label)
          .register(registry);
      this.bytesIn = bytes(registry, label, "in");
      this.bytesOut = bytes(registry, label, "out");
      this.duration =
          kind.startsProcess()
              ? Timer.builder("bastion.exec.duration")
                  .description("How long processes ran, from admission to the end of the stream")
                  .tag("kind", label)
                  .publishPercentileHistogram()
                  .minimumExpectedValue(Duration.ofMillis(1))
                  .maximumExpectedValue(Duration.ofHours(24))
                  .register(registry)
              : null;
    }

    private static Counter bytes(MeterRegistry registry, String kind, String direction) {
      return Counter.builder("bastion.stream.bytes")
          .description("Payload bytes streamed: in is to the sandbox, out is from it")
          .baseUnit("bytes")
          .tag("kind", kind)
          .tag("direction", direction)
          .register(registry);
    }

    /** A stream of this kind opened; call {@link #closed} exactly once when it ends. */
    public void opened() {
      if (active != null) {
        active.incrementAndGet();
      }
    }

    /**
     * A stream opened at {@code startNanos} ({@link System#nanoTime()}) ended; processes record
     * their duration.
     */
    public void closed(long startNanos) {
      if (active != null) {
        active.decrementAndGet();
      }
      if (duration != null) {
        duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
      }
    }

    /** {@code bytes} went towards the sandbox. */
    public void in(long bytes) {
      if (bytesIn != null && bytes > 0) {
        bytesIn.increment(bytes);
      }
    }

    /** {@code bytes} came from the sandbox. */
    public void out(long bytes) {
      if (bytesOut != null && bytes > 0) {
        bytesOut.increment(bytes);
      }
    }
  }
}
