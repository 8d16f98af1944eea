package dev.bastion.gateway.terminal;

import dev.bastion.gateway.auth.Authenticator;
import dev.bastion.gateway.auth.Tenant;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a terminal upgrade request asks for, checked before the upgrade: the path names a sandbox, a
 * browser's request comes from the gateway's own origin (no cross-site WebSocket hijacking), the
 * caller has a valid bearer token, and the size is sane.
 *
 * @param tenant the caller
 * @param sandboxId the sandbox named in the path (its owner is checked on admission)
 * @param cols the terminal's width in columns
 * @param rows the terminal's height in rows
 */
record TerminalHandshake(Tenant tenant, String sandboxId, int cols, int rows) {

  /**
   * The subprotocol prefix a browser, which cannot set headers on a WebSocket, sends its token in.
   */
  static final String BEARER_SUBPROTOCOL = "bearer.";

  static final int DEFAULT_COLS = 80;
  static final int DEFAULT_ROWS = 24;
  static final int MAX_SIZE = 1000;

  private static final Pattern PATH = Pattern.compile("/v1/sandboxes/([^/]{1,253})/terminal");

  /** Whether {@code path} is a terminal's. */
  static boolean matches(String path) {
    return PATH.matcher(path).matches();
  }

  /**
   * Checks an upgrade request.
   *
   * @param path the request's path, one that {@link #matches}
   * @param headers the request's headers
   * @param params the query parameters
   * @throws TerminalRefused with 403 for a foreign Origin, 401 without a valid token, 400 for a bad
   *     size
   */
  static TerminalHandshake read(
      String path, MultiMap headers, MultiMap params, Authenticator authenticator) {
    Matcher matcher = PATH.matcher(path);
    if (!matcher.matches()) {
      throw new TerminalRefused(404, "not found");
    }
    requireSameOrigin(headers.get("origin"), headers.get("host"));
    Tenant tenant =
        authenticator
            .authenticate(authorization(headers))
            .orElseThrow(
                () ->
                    new TerminalRefused(
                        401,
                        "a valid bearer token is required (Authorization: Bearer <token> or the"
                            + " subprotocol bearer.<token>)"));
    return new TerminalHandshake(
        tenant,
        matcher.group(1),
        size(params.get("cols"), "cols", DEFAULT_COLS),
        size(params.get("rows"), "rows", DEFAULT_ROWS));
  }

  /**
   * The {@code Authorization} header, or one made from the subprotocol {@code bearer.<token>} when
   * it is the first one offered (the one the handshake accepts and echoes).
   */
  private static String authorization(MultiMap headers) {
    String header = headers.get("authorization");
    if (header != null) {
      return header;
    }
    String offered = headers.get("sec-websocket-protocol");
    if (offered == null) {
      return null;
    }
    String first = offered.split(",", 2)[0].strip();
    return first.startsWith(BEARER_SUBPROTOCOL)
        ? "Bearer " + first.substring(BEARER_SUBPROTOCOL.length())
        : null;
  }

  /**
   * Refuses a browser's upgrade from another site's page (cross-site WebSocket hijacking): browsers
   * let any page open a WebSocket to any host, and only the Origin header says which page did.
   * Clients that are not browsers send no Origin and are let through; they authenticate like
   * everyone else.
   */
  private static void requireSameOrigin(String origin, String host) {
    if (origin == null) {
      return;
    }
    if (host == null || !host.equalsIgnoreCase(authorityOf(origin).orElse(""))) {
      throw new TerminalRefused(403, "cross-origin WebSocket upgrades are refused");
    }
  }

  private static Optional<String> authorityOf(String origin) {
    try {
      URI uri = new URI(origin);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        return Optional.empty();
      }
      return Optional.ofNullable(uri.getRawAuthority());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static int size(String value, String name, int fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      int size = Integer.parseInt(value);
      if (size >= 1 && size <= MAX_SIZE) {
        return size;
      }
    } catch (NumberFormatException e) {
      // Refused below like any other bad size.
    }
    throw new TerminalRefused(400, name + " must be a number from 1 to " + MAX_SIZE);
  }
}
