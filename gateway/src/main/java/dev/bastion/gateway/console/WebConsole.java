package dev.bastion.gateway.console;

import io.vertx.core.http.HttpServerRequest;

/** The web console: its pages under {@code /ui/} and the JSON API they call. */
public final class WebConsole {

  private final ConsoleApi api;
  private final ConsoleAssets assets;

  public WebConsole(ConsoleApi api, ConsoleAssets assets) {
    this.api = api;
    this.assets = assets;
  }

  /** Whether {@code path} is the console's or its API's. */
  public static boolean handles(String path) {
    return ConsoleApi.handles(path) || ConsoleAssets.handles(path);
  }

  public void handle(HttpServerRequest request) {
    if (ConsoleApi.handles(request.path())) {
      api.handle(request);
    } else {
      assets.handle(request);
    }
  }
}
