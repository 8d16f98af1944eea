package dev.bastion.controller.embedded;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * How long saving and restoring sandboxes' memory takes and how big the images are, by what they
 * are for: {@code suspend} (a suspended sandbox's own memory) or {@code snapshot}.
 */
public final class MemoryImageMetrics {

  private final MeterRegistry registry;

  public MemoryImageMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** An image for {@code purpose} was saved. */
  void saved(String purpose, MemoryImage.Seal seal) {
    Timer.builder("bastion_sandbox_checkpoint")
        .description("Time to save a sandbox's memory and processes")
        .tag("purpose", purpose)
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofMillis(seal.savedMillis()));
    DistributionSummary.builder("bastion_sandbox_memory_image_bytes")
        .description("Size of saved sandbox memory images")
        .baseUnit("bytes")
        .tag("purpose", purpose)
        .register(registry)
        .record(seal.bytes());
  }

  /** A sandbox was started from an image for {@code purpose}. */
  void restored(String purpose, Duration took) {
    Timer.builder("bastion_sandbox_restore")
        .description("Time to start a sandbox from a memory image, until runsc returns")
        .tag("purpose", purpose)
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }
}
