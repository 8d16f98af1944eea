package dev.bastion.sandboxd;

import dev.bastion.api.v1.PtySize;
import io.vertx.grpc.server.StatusException;

/**
 * The size of a pseudo-terminal in character cells, validated.
 *
 * @param cols columns, 1..{@value #MAX}
 * @param rows rows, 1..{@value #MAX}
 */
record TerminalSize(int cols, int rows) {

  static final int MAX = 1000;

  /** Validates a size from the API; a zero or huge size is a client bug, not a terminal. */
  static TerminalSize of(PtySize size) throws StatusException {
    if (size.getCols() < 1 || size.getCols() > MAX || size.getRows() < 1 || size.getRows() > MAX) {
      throw GrpcErrors.invalid(
          "pty size "
              + Integer.toUnsignedString(size.getCols())
              + "x"
              + Integer.toUnsignedString(size.getRows())
              + " is out of range: cols and rows must be 1.."
              + MAX);
    }
    return new TerminalSize(size.getCols(), size.getRows());
  }
}
