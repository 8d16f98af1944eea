package dev.bastion.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's memory at one moment: its live heap — what it retains, not the garbage waiting for
 * the next collection — its RSS and its thread count.
 *
 * <p>The live heap is the total of {@code jcmd GC.class_histogram}, which collects and counts in
 * one stop of the world. A {@code GC.run} followed by a separate {@code GC.heap_info} does not
 * measure that: the second jcmd attaches a few hundred milliseconds later, and a gateway streaming
 * tens of MiB/s has allocated that much new garbage by then (the 13–51 MiB first reported for the 1
 * GiB stream were exactly that, not data held in flight).
 */
record GatewayMemory(long heapKiB, long rssKiB, long threads) {

  /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
  static final double TICKS_PER_SECOND = 100.0;

  /** The histogram's last line: {@code Total <instances> <bytes>}. */
  private static final Pattern LIVE_TOTAL =
      Pattern.compile("^Total\\s+\\d+\\s+(\\d+)\\s*$", Pattern.MULTILINE);

  static GatewayMemory measure(long pid) {
    Matcher total = LIVE_TOTAL.matcher(jcmd(pid, "GC.class_histogram"));
    if (!total.find()) {
      throw new IllegalStateException("jcmd GC.class_histogram printed no total");
    }
    return new GatewayMemory(
        Long.parseLong(total.group(1)) / 1024,
        ProcessMemory.rssKiB(pid),
        ProcessMemory.threads(pid));
  }

  /** User plus system CPU time of the process so far, in clock ticks. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may contain spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CPU time of pid " + pid, e);
    }
  }

  JsonObject json() {
    return new JsonObject()
        .put("heap_after_gc_kib", heapKiB)
        .put("rss_kib", rssKiB)
        // With no thread per stream, this stays put however many streams are open.
        .put("threads", threads);
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process process =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("jcmd " + command + " failed: " + output.strip());
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run jcmd", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
