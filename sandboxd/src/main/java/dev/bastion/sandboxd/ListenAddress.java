package dev.bastion.sandboxd;

/**
 * A TCP address to serve on, given as {@code HOST:PORT} ({@code [::]:7070} for IPv6).
 *
 * @param host the interface to bind, e.g. {@code 0.0.0.0} for every IPv4 interface
 * @param port the TCP port; 0 asks for any free one
 */
public record ListenAddress(String host, int port) {

  /**
   * Parses {@code HOST:PORT}.
   *
   * @param origin where the value came from ({@code --listen} or {@code SANDBOXD_LISTEN}), for the
   *     error message
   * @throws IllegalArgumentException with a one-line message when it is malformed
   */
  static ListenAddress parse(String origin, String value) {
    int colon = value.lastIndexOf(':');
    String host = colon > 0 ? value.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = -1;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      // Reported below with the same message as a port out of range.
    }
    if (host.isEmpty() || port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          origin + " must be HOST:PORT (e.g. 0.0.0.0:7070), got " + value);
    }
    return new ListenAddress(host, port);
  }

  /**
   * Where a client on this machine reaches the listener: a wildcard bind address is not
   * connectable, its loopback is.
   */
  String connectHost() {
    return switch (host) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::" -> "::1";
      default -> host;
    };
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
