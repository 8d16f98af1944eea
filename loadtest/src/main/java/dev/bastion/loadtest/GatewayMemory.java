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
 * The gateway's memory at one moment: its heap right after a full collection ({@code jcmd GC.run},
 * then {@code GC.heap_info}) — what it retains, not the garbage waiting for the next collection —
 * and its RSS.
 */
record GatewayMemory(long heapKiB, long rssKiB) {

  /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
  static final double TICKS_PER_SECOND = 100.0;

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  static GatewayMemory measure(long pid) {
    jcmd(pid, "GC.run");
    Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
    if (!used.find()) {
      throw new IllegalStateException("jcmd GC.heap_info printed no 'used' figure");
    }
    return new GatewayMemory(Long.parseLong(used.group(1)), ProcessMemory.rssKiB(pid));
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
    return new JsonObject().put("heap_after_gc_kib", heapKiB).put("rss_kib", rssKiB);
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
