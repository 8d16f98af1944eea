package dev.bastion.sandboxd;

import java.nio.file.Path;

/**
 * sandboxd's command line settings.
 *
 * @param socket the Unix domain socket to serve gRPC on
 * @param workspace the host directory clients see as {@code /workspace}
 * @param defaultTimeoutSeconds process timeout when a request asks for none
 * @param maxTimeoutSeconds upper bound for any requested process timeout
 * @param runOutputCap default cap on each of stdout and stderr for Run
 * @param maxFileBytes the most bytes one Write may carry
 * @param replayBufferBytes how much recent output per process Connect can replay
 * @param keepaliveSeconds how long an Exec or Connect stream may stay silent before a keepalive
 *     event is sent, so proxies and idle timeouts along the way do not cut it
 */
public record SandboxdConfig(
    Path socket,
    Path workspace,
    long defaultTimeoutSeconds,
    long maxTimeoutSeconds,
    long runOutputCap,
    long maxFileBytes,
    int replayBufferBytes,
    long keepaliveSeconds) {

  static final String USAGE =
      "usage: sandboxd --socket PATH [--workspace DIR] [--default-timeout-seconds N]"
          + " [--max-timeout-seconds N] [--run-output-cap BYTES] [--max-file-bytes BYTES]"
          + " [--replay-buffer-bytes BYTES] [--keepalive-seconds N]";

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException with a one-line, user-facing message when a flag is bad
   */
  public static SandboxdConfig parse(String... args) {
    Path socket = null;
    Path workspace = Path.of("/workspace");
    long defaultTimeout = 300;
    long maxTimeout = 86_400;
    long runOutputCap = 1L << 20;
    long maxFileBytes = 1L << 30;
    long replayBytes = 65_536;
    long keepaliveSeconds = 30;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(
            flag.startsWith("--") ? flag + " needs a value" : "unexpected argument " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--socket" -> socket = Path.of(value);
        case "--workspace" -> workspace = Path.of(value);
        case "--default-timeout-seconds" -> defaultTimeout = positive(flag, value);
        case "--max-timeout-seconds" -> maxTimeout = positive(flag, value);
        case "--run-output-cap" -> runOutputCap = positive(flag, value);
        case "--max-file-bytes" -> maxFileBytes = positive(flag, value);
        case "--replay-buffer-bytes" -> replayBytes = positive(flag, value);
        case "--keepalive-seconds" -> keepaliveSeconds = positive(flag, value);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    if (socket == null) {
      throw new IllegalArgumentException("--socket is required");
    }
    if (defaultTimeout > maxTimeout) {
      throw new IllegalArgumentException(
          "--default-timeout-seconds must not exceed --max-timeout-seconds");
    }
    if (replayBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--replay-buffer-bytes is too large");
    }
    return new SandboxdConfig(
        socket.toAbsolutePath(),
        workspace.toAbsolutePath().normalize(),
        defaultTimeout,
        maxTimeout,
        runOutputCap,
        maxFileBytes,
        (int) replayBytes,
        keepaliveSeconds);
  }

  private static long positive(String flag, String value) {
    try {
      long n = Long.parseLong(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below with the same message as a non-positive number.
    }
    throw new IllegalArgumentException(flag + " must be a positive integer, got " + value);
  }
}
