package dev.bastion.sandboxd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides how much of each output chunk a process may still emit. Output beyond the cap is read and
 * dropped (never left in the pipe, which would block the process) and marks the result truncated.
 * Thread-safe: both pipe readers consult it.
 */
final class OutputCap {

  private final AtomicLong stdoutLeft;
  private final AtomicLong stderrLeft;
  private volatile boolean truncated;

  private OutputCap(AtomicLong stdoutLeft, AtomicLong stderrLeft) {
    this.stdoutLeft = stdoutLeft;
    this.stderrLeft = stderrLeft;
  }

  /** One budget for stdout and stderr together (Exec); {@code max <= 0} means unlimited. */
  static OutputCap combined(long max) {
    AtomicLong left = new AtomicLong(max > 0 ? max : Long.MAX_VALUE);
    return new OutputCap(left, left);
  }

  /** A separate budget of {@code max} bytes for each stream (Run). */
  static OutputCap perStream(long max) {
    return new OutputCap(new AtomicLong(max), new AtomicLong(max));
  }

  /** Returns how many of the {@code length} bytes just read may be kept. */
  int admit(boolean stderr, int length) {
    AtomicLong left = stderr ? stderrLeft : stdoutLeft;
    long before = left.getAndUpdate(l -> Math.max(0, l - length));
    int kept = (int) Math.min(length, before);
    if (kept < length) {
      truncated = true;
    }
    return kept;
  }

  boolean truncated() {
    return truncated;
  }
}
