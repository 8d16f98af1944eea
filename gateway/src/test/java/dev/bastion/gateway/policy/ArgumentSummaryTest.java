package dev.bastion.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.policy.ToolCall;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentSummaryTest {

  private static JsonObject summary(List<String> argv, Map<String, String> env) {
    return ArgumentSummary.of(ToolCall.process("process.run", argv, env, "/workspace", 0));
  }

  @Test
  void secretsInArgumentsAreRedacted() {
    JsonObject summary =
        summary(
            List.of(
                "curl",
                "--token",
                "s3cr3t",
                "--api-key=abc",
                "-H",
                "Authorization: Bearer xyz",
                "https://user:hunter2@example.com/x",
                "PASSWORD=pw",
                "plain"),
            Map.of("AWS_SECRET_ACCESS_KEY", "k", "HOME", "/root"));
    String encoded = summary.encode();
    assertThat(encoded).doesNotContain("s3cr3t", "abc", "xyz", "hunter2", "\"pw\"", "=pw", "/root");
    assertThat(summary.getJsonArray("argv").getList())
        .containsExactly(
            "curl",
            "--token",
            "[redacted]",
            "--api-key=[redacted]",
            "-H",
            "Authorization: Bearer [redacted]",
            "https://user:[redacted]@example.com/x",
            "PASSWORD=[redacted]",
            "plain");
    assertThat(summary.getJsonArray("env_names").getList())
        .containsExactly("AWS_SECRET_ACCESS_KEY", "HOME");
    assertThat(summary.getString("cwd")).isEqualTo("/workspace");
  }

  @Test
  void longArgumentsAndListsAreCut() {
    JsonObject summary = summary(Collections.nCopies(40, "x".repeat(1000)), Map.of());
    List<?> argv = summary.getJsonArray("argv").getList();
    assertThat(argv).hasSize(33);
    assertThat((String) argv.get(0))
        .hasSize(256 + "...[744 more]".length())
        .endsWith("...[744 more]");
    assertThat(argv.get(32)).isEqualTo("[8 more]");
  }
}
