package dev.bastion.client;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A Bastion server's address, parsed from {@code http://HOST[:PORT]}.
 *
 * @param host a name or an address (an IPv6 one without brackets)
 * @param text the URL as given, for messages
 */
record ServerUrl(String host, int port, String text) {

  static ServerUrl parse(String url) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid server URL '" + url + "': " + e.getReason());
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!"http".equals(uri.getScheme())
        || uri.getHost() == null
        || !path.matches("/*")
        || uri.getRawQuery() != null) {
      // The gateway speaks gRPC over cleartext HTTP/2 (h2c); it has no TLS listener to reach.
      throw new IllegalArgumentException(
          "invalid server URL '" + url + "': expected http://HOST or http://HOST:PORT");
    }
    String host = uri.getHost().replaceAll("^\\[|]$", "");
    return new ServerUrl(host, uri.getPort() == -1 ? 80 : uri.getPort(), url.strip());
  }
}
