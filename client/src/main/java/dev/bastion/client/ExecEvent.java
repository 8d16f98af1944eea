package dev.bastion.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a process started with {@link Sandbox#exec(ExecOptions)} does, in order: {@link Started},
 * then its {@link Output} as it comes (in order per stream), and {@link Exited} last.
 */
public sealed interface ExecEvent {

  /** The process runs, with this pid inside the sandbox. */
  record Started(int pid) implements ExecEvent {}

  /** Which of the process's outputs a chunk came from. */
  enum Stream {
    STDOUT,
    STDERR
  }

  /**
   * A chunk of the process's output, as it was read: a multi-byte character may be split between
   * two chunks (the {@link ExecOptions} callbacks decode across chunks).
   *
   * @param data the bytes; the event's own copy
   */
  record Output(Stream stream, byte[] data) implements ExecEvent {

    public Output {
      Objects.requireNonNull(stream, "stream");
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    /** The chunk decoded as UTF-8. */
    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Output that
          && stream == that.stream
          && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
      return 31 * stream.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Output[" + stream + ", " + data.length + " bytes]";
    }
  }

  /**
   * The process ended; always the last event.
   *
   * @param exitCode its exit code; 128 + the signal when a signal ended it
   * @param signal the signal that ended it, 0 when it exited by itself
   * @param timedOut whether it was killed for running past its timeout
   * @param oomKilled whether the sandbox ran out of memory
   * @param truncated whether output beyond the output cap was dropped
   */
  record Exited(int exitCode, int signal, boolean timedOut, boolean oomKilled, boolean truncated)
      implements ExecEvent {}
}
