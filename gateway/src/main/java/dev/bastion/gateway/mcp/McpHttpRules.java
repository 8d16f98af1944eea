package dev.bastion.gateway.mcp;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the Streamable HTTP transport asks of a request before any MCP processing, as status codes:
 * a foreign {@code Origin} is 403 (DNS rebinding), anything but POST is 405 (this server offers no
 * stream of its own on GET), a client that does not accept both JSON and event streams is 406, a
 * body that is not JSON is 415, and an {@code MCP-Protocol-Version} we do not speak is 400.
 */
final class McpHttpRules {

  /** Why a request is refused, and the HTTP status that says so. */
  record Refusal(int status, String message) {}

  /**
   * Browsers send the page's origin; other clients send none. Only pages served from this machine
   * may call: a page elsewhere whose name an attacker pointed at 127.0.0.1 must not reach it.
   */
  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

  private McpHttpRules() {}

  /** The rule about the {@code Origin} header, which holds for every request. */
  static Optional<Refusal> checkOrigin(MultiMap headers) {
    String origin = headers.get("origin");
    if (origin == null || isLoopback(origin)) {
      return Optional.empty();
    }
    return Optional.of(new Refusal(403, "origin " + origin + " may not call this server"));
  }

  /** The rules about method, content negotiation and protocol version, in that order. */
  static Optional<Refusal> checkMessage(
      HttpMethod method, MultiMap headers, List<String> protocolVersions) {
    if (method != HttpMethod.POST) {
      return Optional.of(
          new Refusal(405, "send JSON-RPC messages with POST; this server opens no SSE stream"));
    }
    String accept = headers.get("accept");
    if (!accepts(accept, "application", "json") || !accepts(accept, "text", "event-stream")) {
      return Optional.of(
          new Refusal(406, "the Accept header must list application/json and text/event-stream"));
    }
    String type = headers.get("content-type");
    if (type == null || !mediaType(type).equals("application/json")) {
      return Optional.of(new Refusal(415, "the body must be application/json"));
    }
    String version = headers.get("mcp-protocol-version");
    if (version != null && !protocolVersions.contains(version)) {
      return Optional.of(
          new Refusal(
              400,
              "unsupported MCP-Protocol-Version "
                  + version
                  + " (supported: "
                  + String.join(", ", protocolVersions)
                  + ")"));
    }
    return Optional.empty();
  }

  private static boolean isLoopback(String origin) {
    try {
      URI uri = new URI(origin);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Whether an Accept header admits {@code type/subtype}, with wildcards and q=0 as RFC 9110. */
  private static boolean accepts(String accept, String type, String subtype) {
    if (accept == null) {
      return false;
    }
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      String media = parts[0].strip().toLowerCase(Locale.ROOT);
      if (refusedByQuality(parts)) {
        continue;
      }
      if (media.equals("*/*") || media.equals(type + "/*") || media.equals(type + "/" + subtype)) {
        return true;
      }
    }
    return false;
  }

  private static boolean refusedByQuality(String[] parameters) {
    for (int i = 1; i < parameters.length; i++) {
      String parameter = parameters[i].strip().toLowerCase(Locale.ROOT);
      if (parameter.startsWith("q=")) {
        try {
          return Double.parseDouble(parameter.substring(2)) <= 0;
        } catch (NumberFormatException e) {
          return true;
        }
      }
    }
    return false;
  }

  private static String mediaType(String contentType) {
    return contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
  }
}
