package dev.bastion.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The machine's idle CPU share, from /proc/stat, to start a measurement on a quiet machine. */
final class CpuIdle {

  private static final Duration SAMPLE = Duration.ofMillis(500);

  private CpuIdle() {}

  /**
   * Waits until the CPUs are at least {@code share} idle over half a second, or {@code patience}
   * passed; returns the last idle share seen.
   */
  static double awaitQuiet(double share, Duration patience)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    double idle;
    do {
      long[] before = sample();
      TimeUnit.MILLISECONDS.sleep(SAMPLE.toMillis());
      long[] after = sample();
      idle = (double) (after[0] - before[0]) / Math.max(1, after[1] - before[1]);
    } while (idle < share && System.nanoTime() < deadline);
    return idle;
  }

  /** Idle (+ iowait) and total jiffies of all CPUs. */
  private static long[] sample() throws IOException {
    String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < fields.length; i++) {
      total += Long.parseLong(fields[i]);
    }
    long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
    return new long[] {idle, total};
  }
}
