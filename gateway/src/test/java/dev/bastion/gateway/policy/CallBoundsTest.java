package dev.bastion.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.controller.policy.ToolCall;
import dev.bastion.controller.sandbox.SandboxError;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallBoundsTest {

  private static ToolCall run(List<String> argv, Map<String, String> env, String cwd) {
    return ToolCall.process("process.run", argv, env, cwd, 0);
  }

  private static void assertRefused(ToolCall call, String message) {
    assertThatThrownBy(() -> CallBounds.check(call))
        .isInstanceOfSatisfying(
            SandboxError.class,
            e -> assertThat(e.kind()).isEqualTo(SandboxError.Kind.INVALID_ARGUMENT))
        .hasMessageContaining(message);
  }

  @Test
  void callsAtEveryBoundPass() {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < CallBounds.MAX_ENV_ENTRIES; i++) {
      env.put("V" + i, "x");
    }
    assertThatCode(
            () ->
                CallBounds.check(
                    run(Collections.nCopies(CallBounds.MAX_ARGS, "a"), env, "/workspace")))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                CallBounds.check(
                    run(List.of("a".repeat(CallBounds.MAX_ENTRY_CHARS)), Map.of(), "")))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> CallBounds.check(ToolCall.onPath("files.read", "/" + "p".repeat(4095 - 1), 0)))
        .doesNotThrowAnyException();
  }

  @Test
  void eachBoundIsNamedWhenPassed() {
    assertRefused(run(Collections.nCopies(1025, "a"), Map.of(), ""), "argv has 1025 entries");
    assertRefused(
        run(List.of("echo", "a".repeat(800_000)), Map.of(), ""),
        "argv[1] is 800000 characters long");
    assertRefused(
        run(List.of(), Map.of("BIG", "v".repeat(CallBounds.MAX_ENTRY_CHARS)), ""), "env entry is");
    assertRefused(
        run(Collections.nCopies(9, "a".repeat(120_000)), Map.of(), ""),
        "argv and env hold 1080000 characters");
    assertRefused(run(List.of("ls"), Map.of(), "d".repeat(5000)), "cwd is longer than 4096 bytes");
    assertRefused(
        ToolCall.onPath("files.read", "/workspace/" + "p".repeat(5000), 0),
        "path is longer than 4096 bytes");
  }
}
