package dev.bastion.gateway.metrics;

/** What a call to sandboxd streams, as the {@code kind} label of the stream metrics. */
public enum StreamKind {
  /** A process's stdin and output (Exec, Run). */
  EXEC("exec"),
  /** A WebSocket terminal: a shell on a pseudo-terminal. */
  TERMINAL("terminal"),
  /** File content (Read, Write). */
  FILE("file"),
  /** A call that streams nothing worth counting (List, Stat, Signal, ...). */
  NONE("");

  private final String label;

  StreamKind(String label) {
    this.label = label;
  }

  /** The label value; empty for {@link #NONE}. */
  public String label() {
    return label;
  }

  /** Whether the call runs a process (counted against maxConcurrentExecs, timed). */
  public boolean startsProcess() {
    return this == EXEC || this == TERMINAL;
  }
}
