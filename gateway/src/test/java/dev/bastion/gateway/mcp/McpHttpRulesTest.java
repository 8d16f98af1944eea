package dev.bastion.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class McpHttpRulesTest {

  private static final List<String> VERSIONS = List.of("2025-06-18", "2025-11-25");
  private static final String BOTH = "application/json, text/event-stream";

  @Test
  void onlyLoopbackPagesOrNoOriginAtAllMayCall() {
    assertThat(origin(null)).isEmpty();
    assertThat(origin("http://localhost:6274")).isEmpty();
    assertThat(origin("http://127.0.0.1")).isEmpty();
    assertThat(origin("https://[::1]:8443")).isEmpty();
    for (String foreign :
        List.of(
            "http://evil.example",
            "http://localhost.evil.example",
            "null",
            "file://localhost",
            "not a uri")) {
      assertThat(origin(foreign)).as(foreign).map(McpHttpRules.Refusal::status).contains(403);
    }
  }

  @Test
  void onlyPostCarriesMessages() {
    for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.DELETE, HttpMethod.PUT)) {
      assertThat(message(method, headers(BOTH, "application/json", null)))
          .map(McpHttpRules.Refusal::status)
          .contains(405);
    }
  }

  @Test
  void theClientMustAcceptJsonAndEventStreams() {
    assertThat(post(headers(BOTH, "application/json", null))).isEmpty();
    assertThat(post(headers("*/*", "application/json", null))).isEmpty();
    assertThat(post(headers("application/*;q=0.9, text/*", "application/json", null))).isEmpty();
    for (String accept :
        new String[] {
          null, "application/json", "text/event-stream", "application/json, text/event-stream;q=0"
        }) {
      assertThat(post(headers(accept, "application/json", null)))
          .as(accept)
          .map(McpHttpRules.Refusal::status)
          .contains(406);
    }
  }

  @Test
  void theBodyMustBeJson() {
    assertThat(post(headers(BOTH, "application/json; charset=utf-8", null))).isEmpty();
    assertThat(post(headers(BOTH, "text/plain", null)))
        .map(McpHttpRules.Refusal::status)
        .contains(415);
    assertThat(post(headers(BOTH, null, null))).map(McpHttpRules.Refusal::status).contains(415);
  }

  @Test
  void anUnknownProtocolVersionIsABadRequestAndNoneAtAllIsFine() {
    assertThat(post(headers(BOTH, "application/json", "2025-11-25"))).isEmpty();
    Optional<McpHttpRules.Refusal> refusal = post(headers(BOTH, "application/json", "1999-01-01"));
    assertThat(refusal).map(McpHttpRules.Refusal::status).contains(400);
    assertThat(refusal.get().message()).contains("1999-01-01").contains("2025-06-18, 2025-11-25");
  }

  private static Optional<McpHttpRules.Refusal> origin(String origin) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (origin != null) {
      headers.add("Origin", origin);
    }
    return McpHttpRules.checkOrigin(headers);
  }

  private static Optional<McpHttpRules.Refusal> post(MultiMap headers) {
    return message(HttpMethod.POST, headers);
  }

  private static Optional<McpHttpRules.Refusal> message(HttpMethod method, MultiMap headers) {
    return McpHttpRules.checkMessage(method, headers, VERSIONS);
  }

  private static MultiMap headers(String accept, String contentType, String version) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (accept != null) {
      headers.add("Accept", accept);
    }
    if (contentType != null) {
      headers.add("Content-Type", contentType);
    }
    if (version != null) {
      headers.add("MCP-Protocol-Version", version);
    }
    return headers;
  }
}
