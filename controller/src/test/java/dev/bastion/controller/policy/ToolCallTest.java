package dev.bastion.controller.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolCallTest {

  @Test
  void pathsAreSeenAsSandboxdResolvesThem() {
    assertThat(ToolCall.onPath("files.read", "secrets/key", 0).path())
        .isEqualTo("/workspace/secrets/key");
    assertThat(ToolCall.onPath("files.read", "./notes/../secrets/key", 0).path())
        .isEqualTo("/workspace/secrets/key");
    assertThat(ToolCall.onPath("files.read", "/workspace/a/./b/../../secrets//key", 0).path())
        .isEqualTo("/workspace/secrets/key");
    assertThat(ToolCall.onPath("files.read", "../../etc/passwd", 0).path())
        .as("an escape stays visible as one (sandboxd refuses it anyway)")
        .isEqualTo("/etc/passwd");
    assertThat(ToolCall.onPath("files.read", "a\0b", 0).path()).isEqualTo("a\0b");
  }
}
