package dev.bastion.gateway.cli;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The server a client command talks to and the token it shows, checked once for both the HTTP API
 * and gRPC, which the gateway serves on the same port.
 *
 * @param uri {@code http://HOST:PORT} or {@code https://HOST:PORT}, without a trailing slash
 */
record ServerAddress(URI uri, String token) {

  /**
   * @throws CliException for a URL that is not http(s)://HOST[:PORT] or a token a header cannot
   *     carry
   */
  static ServerAddress of(String server, String token) throws CliException {
    String base = server.replaceAll("/+$", "");
    URI uri;
    try {
      uri = new URI(base);
    } catch (URISyntaxException e) {
      throw new CliException("invalid server URL '" + server + "': " + e.getReason());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new CliException(
          "invalid server URL '" + server + "': expected http://HOST:PORT or https://HOST:PORT");
    }
    if (!token.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
      // Tokens are printable ASCII; anything else (a line break pasted with it) cannot go in a
      // header.
      throw new CliException(
          "the token contains a space, a line break or another character a header cannot carry:"
              + " check --token or BASTION_TOKEN");
    }
    return new ServerAddress(uri, token);
  }
}
