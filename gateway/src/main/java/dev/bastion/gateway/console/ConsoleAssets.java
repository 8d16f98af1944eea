package dev.bastion.gateway.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web console's static files under {@code /ui/}: the page, its script and style, and the
 * xterm.js files the build copies from npm into {@code ui/vendor/}. All are read from the jar once,
 * at start, and served with a Content-Security-Policy that allows nothing but this origin: no
 * inline or foreign script, no other hosts to talk to.
 */
public final class ConsoleAssets {

  /** Where the console is. */
  public static final String PATH = "/ui/";

  /**
   * Only this origin's scripts run, and they talk to this origin only ('self' covers the same
   * host's ws: and wss: for the terminal). Inline style is allowed because xterm.js's renderer
   * writes its theme into {@code <style>} elements; inline script never is.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; connect-src 'self';"
          + " style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none';"
          + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8",
          "vendor/xterm.mjs", "text/javascript; charset=utf-8",
          "vendor/addon-fit.mjs", "text/javascript; charset=utf-8",
          "vendor/xterm.css", "text/css; charset=utf-8");

  private final Map<String, Buffer> files;

  private ConsoleAssets(Map<String, Buffer> files) {
    this.files = files;
  }

  /**
   * Reads the console's files from the class path.
   *
   * @throws IllegalStateException when one is missing: the build did not bundle the console
   */
  public static ConsoleAssets load() {
    Map<String, Buffer> files = new java.util.HashMap<>();
    for (String name : TYPES.keySet()) {
      try (InputStream in = ConsoleAssets.class.getResourceAsStream("/ui/" + name)) {
        if (in == null) {
          throw new IllegalStateException(
              "the web console's ui/" + name + " is not in the jar: rebuild with npm available");
        }
        files.put(name, Buffer.buffer(in.readAllBytes()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ConsoleAssets(Map.copyOf(files));
  }

  /** Whether {@code path} is the console's. */
  public static boolean handles(String path) {
    return path.equals("/ui") || path.startsWith(PATH);
  }

  public void handle(HttpServerRequest request) {
    var response = request.response();
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      response.setStatusCode(405).putHeader("allow", "GET, HEAD").end();
      return;
    }
    if (request.path().equals("/ui")) {
      response.setStatusCode(301).putHeader("location", PATH).end();
      return;
    }
    String name = request.path().substring(PATH.length());
    if (name.isEmpty()) {
      name = "index.html";
    }
    Buffer body = files.get(name);
    if (body == null) {
      response.setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8");
      response.end("not found\n");
      return;
    }
    response
        .putHeader("content-type", TYPES.get(name))
        .putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer")
        // The files change with the jar: a browser revalidates rather than run an old console.
        .putHeader("cache-control", "no-cache");
    if (request.method() == HttpMethod.HEAD) {
      response.putHeader("content-length", String.valueOf(body.length())).end();
    } else {
      response.end(body);
    }
  }
}
