package dev.bastion.gateway.cli;

import java.util.function.Function;
import picocli.CommandLine.Option;

/** The options of every client command: which Bastion server to talk to, and with which token. */
public final class ServerOptions {

  static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "Bastion server (default: $BASTION_SERVER, else " + DEFAULT_SERVER + ").")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token (default: $BASTION_TOKEN).")
  String token;

  /**
   * Where the defaults come from. Resolved here rather than with picocli's {@code ${env:...}} so
   * tests can replace the environment and a developer's own BASTION_TOKEN does not leak into them.
   */
  Function<String, String> env = System::getenv;

  /** An HTTP client for the chosen server; fails when no token was given. */
  BastionHttp client() throws CliException {
    return BastionHttp.of(address());
  }

  /** A gRPC client for the chosen server; fails when no token was given. */
  BastionGrpc grpc() throws CliException {
    return BastionGrpc.of(address());
  }

  private ServerAddress address() throws CliException {
    String url = firstNonBlank(server, env.apply("BASTION_SERVER"), DEFAULT_SERVER);
    String bearer = firstNonBlank(token, env.apply("BASTION_TOKEN"), null);
    if (bearer == null) {
      throw new CliException("no token: pass --token or set BASTION_TOKEN");
    }
    return ServerAddress.of(url, bearer);
  }

  private static String firstNonBlank(String given, String fromEnv, String fallback) {
    if (given != null && !given.isBlank()) {
      return given;
    }
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    return fallback;
  }
}
