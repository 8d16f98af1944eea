package dev.bastion.sandboxd;

import java.nio.file.Path;
import java.util.Map;

/**
 * sandboxd's command line settings.
 *
 * <p>sandboxd serves on a Unix domain socket (embedded mode), on TCP (Kubernetes: the gateway
 * reaches the pod IP), or both. With a token file every call on either must carry the sandbox's
 * token: a host that reaches a socket through a directory the sandbox shares cannot tell by the
 * path alone that sandboxd answers there. TCP always needs one.
 *
 * @param socket the Unix domain socket to serve gRPC on, or null
 * @param listen the TCP address to serve gRPC on, or null
 * @param tokenFile the file holding the bearer token every call must carry, or null for a Unix
 *     socket open to any caller that can reach it; required with {@code listen}
 * @param runAs the user that processes run as and files are created for
 * @param workspace the host directory clients see as {@code /workspace}
 * @param defaultTimeoutSeconds process timeout when a request asks for none
 * @param maxTimeoutSeconds upper bound for any requested process timeout
 * @param runOutputCap default cap on each of stdout and stderr for Run
 * @param maxFileBytes the most bytes one Write may carry
 * @param replayBufferBytes how much recent output per process Connect can replay
 * @param keepaliveSeconds how long an Exec or Connect stream may stay silent before a keepalive
 *     event is sent, so proxies and idle timeouts along the way do not cut it
 * @param healthCheck probe the configured server once instead of serving
 * @param processDefaults the environment and working directory every process starts with
 */
public record SandboxdConfig(
    Path socket,
    ListenAddress listen,
    Path tokenFile,
    AgentUser runAs,
    Path workspace,
    long defaultTimeoutSeconds,
    long maxTimeoutSeconds,
    long runOutputCap,
    long maxFileBytes,
    int replayBufferBytes,
    long keepaliveSeconds,
    boolean healthCheck,
    ProcessDefaults processDefaults) {

  static final String USAGE =
      "usage: sandboxd [--socket PATH] [--listen HOST:PORT] [--token-file PATH] [--health-check]"
          + " [--run-as UID:GID] [--workspace DIR] [--default-timeout-seconds N] [--max-timeout-seconds N]"
          + " [--run-output-cap BYTES] [--max-file-bytes BYTES] [--replay-buffer-bytes BYTES]"
          + " [--keepalive-seconds N] [--image-env-file FILE] [--image-workdir DIR]";

  /** Read when {@code --listen} is absent, so a container image can set the address. */
  static final String LISTEN_ENV = "SANDBOXD_LISTEN";

  /** Read when {@code --token-file} is absent. */
  static final String TOKEN_FILE_ENV = "SANDBOXD_TOKEN_FILE";

  /**
   * Parses the command line, with {@code SANDBOXD_LISTEN} and {@code SANDBOXD_TOKEN_FILE} from the
   * process environment as defaults.
   *
   * @throws IllegalArgumentException with a one-line, user-facing message when a flag is bad
   */
  public static SandboxdConfig parse(String... args) {
    return parse(System.getenv(), args);
  }

  /**
   * Parses the command line with {@code env} as the environment.
   *
   * @throws IllegalArgumentException with a one-line, user-facing message when a flag is bad
   */
  static SandboxdConfig parse(Map<String, String> env, String... args) {
    Path socket = null;
    ListenAddress listen = null;
    Path tokenFile = null;
    AgentUser runAs = AgentUser.SANDBOXD_ITSELF;
    boolean healthCheck = false;
    Path workspace = Path.of("/workspace");
    long defaultTimeout = 300;
    long maxTimeout = 86_400;
    long runOutputCap = 1L << 20;
    long maxFileBytes = 1L << 30;
    long replayBytes = 65_536;
    long keepaliveSeconds = 30;
    ProcessDefaults defaults = ProcessDefaults.NONE;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--health-check")) {
        healthCheck = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(
            flag.startsWith("--") ? flag + " needs a value" : "unexpected argument " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--socket" -> socket = Path.of(value);
        case "--listen" -> listen = ListenAddress.parse(flag, value);
        case "--token-file" -> tokenFile = Path.of(value);
        case "--run-as" -> runAs = AgentUser.parse(flag, value);
        case "--workspace" -> workspace = Path.of(value);
        case "--default-timeout-seconds" -> defaultTimeout = positive(flag, value);
        case "--max-timeout-seconds" -> maxTimeout = positive(flag, value);
        case "--run-output-cap" -> runOutputCap = positive(flag, value);
        case "--max-file-bytes" -> maxFileBytes = positive(flag, value);
        case "--replay-buffer-bytes" -> replayBytes = positive(flag, value);
        case "--keepalive-seconds" -> keepaliveSeconds = positive(flag, value);
        case "--image-env-file" -> defaults = defaults.withEnvFile(flag, Path.of(value));
        case "--image-workdir" -> defaults = defaults.withCwd(absolute(flag, value));
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    if (listen == null && !blank(env.get(LISTEN_ENV))) {
      listen = ListenAddress.parse(LISTEN_ENV, env.get(LISTEN_ENV).strip());
    }
    if (tokenFile == null && !blank(env.get(TOKEN_FILE_ENV))) {
      tokenFile = Path.of(env.get(TOKEN_FILE_ENV).strip());
    }
    if (socket == null && listen == null) {
      throw new IllegalArgumentException("--socket or --listen is required");
    }
    if (listen != null && tokenFile == null) {
      throw new IllegalArgumentException("refusing to serve TCP without --token-file");
    }
    if (defaultTimeout > maxTimeout) {
      throw new IllegalArgumentException(
          "--default-timeout-seconds must not exceed --max-timeout-seconds");
    }
    if (replayBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--replay-buffer-bytes is too large");
    }
    return new SandboxdConfig(
        socket == null ? null : socket.toAbsolutePath(),
        listen,
        tokenFile,
        runAs,
        workspace.toAbsolutePath().normalize(),
        defaultTimeout,
        maxTimeout,
        runOutputCap,
        maxFileBytes,
        (int) replayBytes,
        keepaliveSeconds,
        healthCheck,
        defaults);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static Path absolute(String flag, String value) {
    Path path = Path.of(value);
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException(flag + " must be an absolute path, got " + value);
    }
    return path.normalize();
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
