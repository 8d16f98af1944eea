package dev.bastion.loadtest.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A run as the flags describe it, checked: {@link BenchCommand} builds it or says which flag is
 * wrong.
 */
record BenchOptions(
    List<BenchTarget> destinations,
    BenchMethod method,
    String data,
    String metadata,
    Payload payload,
    int concurrency,
    long total,
    Duration duration,
    int rps,
    int connections,
    Duration timeout,
    StreamOptions streams,
    String format,
    Path output,
    long skipFirst,
    boolean countErrors,
    int sandboxes,
    String template) {

  static final String SUMMARY = "summary";

  /** Where call n goes: target n mod N. */
  List<BenchTarget> targets() {
    return destinations;
  }

  /** The target that sandboxes are created through: the only one when there are any. */
  SocketAddress gateway() {
    return destinations.getFirst().address();
  }

  /** Whether a target is a Unix socket (the client then needs the native transport). */
  boolean reachesUnixSocket() {
    return destinations.stream().anyMatch(BenchTarget::isUnixSocket);
  }

  /** {@code HOST:PORT} or {@code unix:PATH} as the run reports it, several joined by commas. */
  String address() {
    return destinations.stream().map(BenchTarget::text).collect(Collectors.joining(","));
  }

  /**
   * The run's options in ghz's report ({@code options}), with Bastion's additions; the value of an
   * {@code authorization} header is never written out.
   */
  JsonObject reportOptions() {
    JsonObject options =
        new JsonObject()
            .put("call", method.fullName())
            .put("host", address())
            .put("insecure", true)
            .put("concurrency", concurrency)
            .put("connections", connections)
            .put("rps", rps)
            .put("timeout", timeout.toNanos())
            .put("data", jsonOrText(data));
    if (duration.isZero()) {
      options.put("total", total);
    } else {
      options.put("duration", duration.toNanos());
    }
    if (jsonOrText(metadata) instanceof JsonObject headers) {
      for (Map.Entry<String, Object> header : headers.copy()) {
        if (header.getKey().equalsIgnoreCase("authorization")) {
          headers.put(header.getKey(), "(redacted)");
        }
      }
      options.put("metadata", headers);
    }
    if (skipFirst > 0) {
      options.put("skipFirst", skipFirst);
    }
    if (sandboxes > 0) {
      options.put("sandboxes", sandboxes).put("template", template);
    }
    return options;
  }

  private static Object jsonOrText(String text) {
    try {
      return Json.decodeValue(text);
    } catch (DecodeException templated) {
      return text;
    }
  }
}
