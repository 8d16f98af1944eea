package dev.bastion.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads series from the gateway's {@code /metrics} (Prometheus text format). */
final class Metrics {

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI uri;
  private final String token;

  Metrics(int port, String token) {
    this.uri = URI.create("http://127.0.0.1:" + port + "/metrics");
    this.token = token;
  }

  /**
   * The sum of {@code name}'s samples whose {@code purpose} label is {@code purpose}; 0 if none.
   */
  double sum(String name, String purpose) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri).header("authorization", "Bearer " + token).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("/metrics answered " + response.statusCode());
    }
    String label = "purpose=\"" + purpose + "\"";
    return response
        .body()
        .lines()
        .filter(line -> line.startsWith(name + "{") && line.contains(label))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
