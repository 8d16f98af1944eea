package dev.bastion.gateway.it;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One Prometheus scrape of a test server, read series by series. */
record Scrape(String text) {

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  /** Scrapes a server whose /metrics wants {@code token}. */
  static Scrape of(int port, String token) throws Exception {
    HttpResponse<String> response = ServerCli.getMetrics(port, "Bearer " + token);
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return new Scrape(response.body());
  }

  /** The sum of every sample of {@code name} that has all of {@code labels}. */
  double sum(String name, Map<String, String> labels) {
    double sum = 0;
    Matcher sample = SAMPLE.matcher(text);
    while (sample.find()) {
      if (sample.group(1).equals(name) && hasAll(sample.group(3), labels)) {
        sum += Double.parseDouble(sample.group(4));
      }
    }
    return sum;
  }

  double sum(String name, String... labelPairs) {
    Map<String, String> labels = new java.util.HashMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    return sum(name, labels);
  }

  /** Whether the scrape has a sample of {@code name}. */
  boolean has(String name) {
    Matcher sample = SAMPLE.matcher(text);
    while (sample.find()) {
      if (sample.group(1).equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasAll(String labelText, Map<String, String> wanted) {
    if (wanted.isEmpty()) {
      return true;
    }
    if (labelText == null) {
      return false;
    }
    Map<String, String> labels = new java.util.HashMap<>();
    Matcher label = LABEL.matcher(labelText);
    while (label.find()) {
      labels.put(label.group(1), label.group(2));
    }
    return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
