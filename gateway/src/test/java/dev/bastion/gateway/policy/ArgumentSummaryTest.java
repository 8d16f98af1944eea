package dev.bastion.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bastion.controller.policy.ToolCall;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
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

  /**
   * Arguments built against backtracking patterns: each took minutes (one held an event loop for
   * over four) before the patterns were RE2's over a bounded window. Not a speed target: the bound
   * only tells a hang from an answer.
   */
  @Test
  void hostileArgumentsAreSummarisedWithoutBacktracking() {
    String huge = "a".repeat(800_000);
    List<String> argv =
        List.of(
            "--token" + huge + "!",
            huge,
            "://a:" + huge,
            "-" + huge + "=x",
            "Bearer" + " ".repeat(800_000));
    JsonObject summary =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> summary(argv, Map.of()));
    assertThat(summary.getJsonArray("argv").getList())
        .allSatisfy(arg -> assertThat((String) arg).hasSizeLessThan(300));
  }

  @Test
  void aSecretRunningPastWhatIsReadIsStillRedacted() {
    List<?> argv =
        summary(
                List.of(
                    "https://user:" + "p".repeat(5000) + "@example.com",
                    "x".repeat(200) + " Bearer " + "t".repeat(5000),
                    "API_KEY=" + "k".repeat(5000)),
                Map.of())
            .getJsonArray("argv")
            .getList();
    assertThat((String) argv.get(0)).startsWith("https://user:[redacted]").doesNotContain("pp");
    assertThat((String) argv.get(1)).contains("Bearer [redacted]").doesNotContain("tt");
    assertThat((String) argv.get(2)).isEqualTo("API_KEY=[redacted]...[" + (5008 - 1024) + " more]");
  }

  @Test
  void environmentNamesAreCutAndCounted() {
    Map<String, String> env = new java.util.HashMap<>();
    for (int i = 0; i < 40; i++) {
      env.put("V" + (char) ('A' + i % 26) + i + "_".repeat(500), "secret-value");
    }
    JsonObject summary = summary(List.of("true"), env);
    List<?> names = summary.getJsonArray("env_names").getList();
    assertThat(names).hasSize(33).last().isEqualTo("[8 more]");
    assertThat(summary.encode()).doesNotContain("secret-value");
    assertThat((String) names.get(0)).hasSizeLessThan(300);
  }
}
