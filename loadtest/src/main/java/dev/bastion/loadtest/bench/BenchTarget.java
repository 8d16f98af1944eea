package dev.bastion.loadtest.bench;

import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a run's calls go: {@code HOST:PORT} (a gateway), or a Unix socket named as gRPC names one,
 * {@code unix:PATH} or {@code unix:///ABSOLUTE/PATH} — a sandbox's sandboxd, to measure what the
 * gateway adds against the same calls made directly.
 *
 * @param text the target as the run reports it
 * @param headers metadata every call to it carries: for a sandboxd socket, the sandbox's token,
 *     which sandboxd requires and keeps beside its socket (readable by root only)
 */
record BenchTarget(SocketAddress address, String text, Map<String, String> headers) {

  private static final String UNIX = "unix:";
  private static final String TOKEN_FILE = "token";

  /**
   * Parses the command line's target.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static BenchTarget parse(String target) {
    if (target.startsWith(UNIX)) {
      String path = target.substring(UNIX.length());
      if (path.startsWith("//")) {
        // unix:///abs/path: an empty authority, then the absolute path.
        path = path.substring(2);
        require(path.startsWith("/"), "unix:// needs an absolute path, as in unix:///run/x.sock");
      }
      require(!path.isEmpty(), "unix: needs the socket's path, as in unix:/run/x.sock");
      return new BenchTarget(
          SocketAddress.domainSocketAddress(path), UNIX + path, sandboxdToken(Path.of(path)));
    }
    int colon = target.lastIndexOf(':');
    require(colon > 0, "HOST:PORT or unix:PATH expected, not '" + target + "'");
    String host = target.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the port of " + target + " must be a number, not '" + target.substring(colon + 1) + "'");
    }
    require(port > 0 && port <= 65535, "the port of " + target + " must be between 1 and 65535");
    String text = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    return new BenchTarget(SocketAddress.inetSocketAddress(port, host), text, Map.of());
  }

  /** {@code metadata} with this target's own headers, which win. */
  Map<String, String> headersOver(Map<String, String> metadata) {
    if (headers.isEmpty()) {
      return metadata;
    }
    Map<String, String> merged = new HashMap<>(metadata);
    merged.putAll(headers);
    return merged;
  }

  /** The authorization for sandboxd's socket at {@code socket}: its token file, when there. */
  private static Map<String, String> sandboxdToken(Path socket) {
    Path token = socket.resolveSibling(TOKEN_FILE);
    if (!Files.isReadable(token)) {
      return Map.of();
    }
    try {
      return Map.of("authorization", "Bearer " + Files.readString(token).strip());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the sandbox's token " + token + ": " + e);
    }
  }

  /** Whether the target is a Unix socket (the client then needs the native transport). */
  boolean isUnixSocket() {
    return address.isDomainSocket();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
