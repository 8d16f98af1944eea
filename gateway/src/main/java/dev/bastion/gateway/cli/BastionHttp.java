package dev.bastion.gateway.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The Bastion resource API over HTTP: one blocking call per method, errors decoded into a {@link
 * CliException} whose message is ready to print.
 */
final class BastionHttp implements ServerCommand.Client {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  // The server may wait for applied objects to settle before it answers.
  private static final Duration APPLY_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String server;
  private final String token;
  private final HttpClient client;

  private BastionHttp(String server, String token) {
    this.server = server;
    this.token = token;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  /** A client for {@code server} (an http or https URL, any trailing slash ignored). */
  static BastionHttp of(ServerAddress server) {
    return new BastionHttp(server.uri().toString(), server.token());
  }

  /** {@code POST /v1/apply} with a multi-document YAML body. */
  JsonObject apply(byte[] yaml) throws CliException {
    return send(
        request("/v1/apply", APPLY_TIMEOUT)
            .header("Content-Type", "application/yaml")
            .POST(BodyPublishers.ofByteArray(yaml)));
  }

  /** {@code GET /v1/resources/KIND[/NAME]}; {@code name} may be null for the whole list. */
  JsonObject get(String kind, String name) throws CliException {
    String path = "/v1/resources/" + segment(kind) + (name == null ? "" : "/" + segment(name));
    return send(request(path, TIMEOUT).GET());
  }

  /** {@code DELETE /v1/resources/KIND/NAME}. */
  JsonObject delete(String kind, String name) throws CliException {
    return send(request("/v1/resources/" + segment(kind) + "/" + segment(name), TIMEOUT).DELETE());
  }

  @Override
  public void close() {
    client.close();
  }

  private HttpRequest.Builder request(String path, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(server + path))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  private JsonObject send(HttpRequest.Builder request) throws CliException {
    HttpRequest built = request.build();
    HttpResponse<String> response;
    try {
      response = client.send(built, BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliException("cannot reach Bastion at " + server + ": " + reason(e, built));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    JsonObject body = parse(response.body());
    int status = response.statusCode();
    if (status / 100 == 2) {
      if (body == null) {
        throw new CliException("server answered HTTP " + status + " with a body that is not JSON");
      }
      return body;
    }
    if (body != null
        && body.getValue("code") instanceof String code
        && body.getValue("message") instanceof String message) {
      throw new CliException(message + " (" + code + ")");
    }
    throw new CliException("server answered HTTP " + status);
  }

  private static JsonObject parse(String body) {
    try {
      return new JsonObject(body);
    } catch (DecodeException e) {
      return null;
    }
  }

  // Path segments must not turn spaces into '+', as URLEncoder's form encoding does.
  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // java.net.http wraps most network failures in exceptions without a message.
  private static String reason(IOException e, HttpRequest request) {
    if (e instanceof HttpConnectTimeoutException) {
      return "connect timed out after " + CONNECT_TIMEOUT.toSeconds() + "s";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + request.timeout().orElseThrow().toSeconds() + "s";
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException) {
        return "unknown host";
      }
    }
    if (e instanceof ConnectException) {
      return e.getMessage() != null ? e.getMessage() : "connection refused";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
