package dev.bastion.gateway.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ControlMessageTest {

  @Test
  void aResizeCarriesColsAndRows() {
    assertThat(ControlMessage.parseResize("{\"type\":\"resize\",\"cols\":120,\"rows\":40}"))
        .isEqualTo(new ControlMessage.Resize(120, 40));
  }

  @Test
  void anythingElseIsRefusedWithAShortReason() {
    for (String bad :
        new String[] {
          "hello",
          "[1]",
          "{\"type\":\"paste\"}",
          "{\"type\":\"resize\",\"cols\":0,\"rows\":10}",
          "{\"type\":\"resize\",\"cols\":80.5,\"rows\":10}",
          "{\"type\":\"resize\",\"cols\":80}",
          "{\"type\":\"resize\",\"cols\":80,\"rows\":10,\"pad\":\"" + "x".repeat(2000) + "\"}"
        }) {
      assertThatThrownBy(() -> ControlMessage.parseResize(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(123));
    }
  }

  @Test
  void theExitMessageIsJson() {
    JsonObject exit = new JsonObject(ControlMessage.exit(3));
    assertThat(exit.getString("type")).isEqualTo("exit");
    assertThat(exit.getInteger("code")).isEqualTo(3);
  }

  @Test
  void closeReasonsFitAFrame() {
    assertThat(TerminalSession.bounded("idle")).isEqualTo("idle");
    String cut = TerminalSession.bounded("sandbox é stopped: " + "ü".repeat(200));
    assertThat(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(123);
    assertThat(cut).startsWith("sandbox é stopped: ").endsWith("\u2026");
  }
}
