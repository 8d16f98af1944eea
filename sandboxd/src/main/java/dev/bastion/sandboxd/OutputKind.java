package dev.bastion.sandboxd;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ExecEvent;

/** Which stream a chunk of a process's output came from, and the event that carries it. */
enum OutputKind {
  STDOUT,
  STDERR,
  /** The master side of a pseudo-terminal: the process's stdout and stderr, interleaved. */
  PTY;

  ExecEvent event(ByteString data) {
    ExecEvent.Builder event = ExecEvent.newBuilder();
    return switch (this) {
      case STDOUT -> event.setStdout(data).build();
      case STDERR -> event.setStderr(data).build();
      case PTY -> event.setPty(data).build();
    };
  }

  /** The kind of an output event; anything else is not output. */
  static OutputKind of(ExecEvent event) {
    return switch (event.getEventCase()) {
      case STDOUT -> STDOUT;
      case STDERR -> STDERR;
      case PTY -> PTY;
      default -> throw new IllegalArgumentException("not an output event: " + event.getEventCase());
    };
  }

  /** The bytes an output event carries. */
  static ByteString payload(ExecEvent event) {
    return switch (of(event)) {
      case STDOUT -> event.getStdout();
      case STDERR -> event.getStderr();
      case PTY -> event.getPty();
    };
  }
}
