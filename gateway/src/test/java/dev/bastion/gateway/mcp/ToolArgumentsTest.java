package dev.bastion.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.controller.sandbox.SandboxError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolArgumentsTest {

  private final ToolArguments arguments =
      new ToolArguments(
          Map.of(
              "id",
              "sbx-1",
              "seconds",
              30.0,
              "argv",
              List.of("python3", "-V"),
              "env",
              Map.of("MODE", "fast"),
              "count",
              1.5));

  @Test
  void valuesAreReadByType() {
    assertThat(arguments.string("id")).isEqualTo("sbx-1");
    assertThat(arguments.string("cwd", "/workspace")).isEqualTo("/workspace");
    assertThat(arguments.integer("seconds", 0)).isEqualTo(30);
    assertThat(arguments.integer("absent", 60)).isEqualTo(60);
    assertThat(arguments.strings("argv")).containsExactly("python3", "-V");
    assertThat(arguments.stringMap("env")).containsExactly(Map.entry("MODE", "fast"));
    assertThat(new ToolArguments(null).stringMap("env")).isEmpty();
  }

  @Test
  void aMissingOrMistypedValueIsAnInvalidArgumentNamingIt() {
    assertThatThrownBy(() -> arguments.string("path"))
        .isInstanceOf(SandboxError.class)
        .hasMessage("path is required");
    assertThatThrownBy(() -> arguments.integer("count", 0)).hasMessage("count must be an integer");
    assertThatThrownBy(() -> arguments.string("argv")).hasMessage("argv must be a string");
    assertThatThrownBy(() -> arguments.strings("env"))
        .hasMessage("env must be an array of strings");
    assertThatThrownBy(() -> arguments.stringMap("id"))
        .hasMessage("id must be an object of strings");
  }
}
