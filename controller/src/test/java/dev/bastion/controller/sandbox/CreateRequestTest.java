package dev.bastion.controller.sandbox;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CreateRequestTest {

  private static CreateRequest request(
      String template, String pool, Map<String, String> labels, Map<String, String> env) {
    return new CreateRequest("alice", template, pool, labels, env, 0);
  }

  @Test
  void exactlyOneSourceIsRequired() {
    assertThatThrownBy(() -> request("", "", Map.of(), Map.of()))
        .hasMessageContaining("exactly one");
    assertThatThrownBy(() -> request("python", "pool", Map.of(), Map.of()))
        .hasMessageContaining("exactly one");
    assertThatCode(() -> request("python", "", Map.of("team", "a"), Map.of("KEY", "v")))
        .doesNotThrowAnyException();
  }

  @Test
  void labelsFollowKubernetesSyntax() {
    assertThatThrownBy(() -> request("python", "", Map.of("bad key", "a"), Map.of()))
        .isInstanceOf(SandboxError.class)
        .hasMessageContaining("invalid label key");
    assertThatThrownBy(() -> request("python", "", Map.of("team", "x".repeat(64)), Map.of()))
        .hasMessageContaining("invalid value for label 'team'");
  }

  @Test
  void environmentIsBounded() {
    assertThatThrownBy(() -> request("python", "", Map.of(), Map.of("1BAD", "v")))
        .hasMessageContaining("invalid environment variable name");
    assertThatThrownBy(() -> request("python", "", Map.of(), Map.of("K", "a\0b")))
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> request("python", "", Map.of(), Map.of("BIG", "x".repeat(70_000))))
        .hasMessageContaining("larger than");
  }

  @Test
  void negativeTimeoutIsRefused() {
    assertThatThrownBy(() -> new CreateRequest("alice", "python", "", Map.of(), Map.of(), -1))
        .hasMessageContaining("timeout_seconds");
  }
}
