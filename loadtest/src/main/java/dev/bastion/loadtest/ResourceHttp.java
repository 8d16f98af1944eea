package dev.bastion.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The server's resource API (what {@code bastion apply/get/delete} use), for benchmarks. */
final class ResourceHttp {

  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String token;

  ResourceHttp(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  /** Applies a YAML manifest. */
  void apply(String yaml) {
    send(
        HttpRequest.newBuilder(URI.create(base + "/v1/apply"))
            .POST(HttpRequest.BodyPublishers.ofString(yaml)),
        "applying a manifest");
  }

  /** GET /v1/resources/KIND/NAME. */
  JsonObject get(String kind, String name) {
    return new JsonObject(
        send(
            HttpRequest.newBuilder(URI.create(base + "/v1/resources/" + kind + "/" + name)),
            "reading " + kind + " " + name));
  }

  /** DELETE /v1/resources/KIND/NAME. */
  void delete(String kind, String name) {
    if (!deleteIfExists(kind, name)) {
      throw new IllegalStateException("deleting " + kind + " " + name + ": it does not exist");
    }
  }

  /** DELETE /v1/resources/KIND/NAME; false when there was no such object. */
  boolean deleteIfExists(String kind, String name) {
    return send(
            HttpRequest.newBuilder(URI.create(base + "/v1/resources/" + kind + "/" + name))
                .DELETE(),
            "deleting " + kind + " " + name,
            404)
        != null;
  }

  private String send(HttpRequest.Builder request, String what) {
    return send(request, what, 200);
  }

  /** The body of a 200 answer; null for {@code tolerated} (another status); throws otherwise. */
  private String send(HttpRequest.Builder request, String what, int tolerated) {
    try {
      HttpResponse<String> response =
          http.send(
              request.header("authorization", "Bearer " + token).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == tolerated && tolerated != 200) {
        return null;
      }
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            what + ": HTTP " + response.statusCode() + " " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted", e);
    }
  }
}
