package dev.bastion.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GrpcErrorsTest {

  @Test
  void shortMessagesGoOutAsTheyAre() {
    String message = "sandbox sbx-0123 not found";
    assertThat(GrpcErrors.bounded(message)).isSameAs(message);
    assertThat(GrpcErrors.bounded("x".repeat(GrpcErrors.MAX_MESSAGE_CHARS)))
        .hasSize(GrpcErrors.MAX_MESSAGE_CHARS);
  }

  @Test
  void longMessagesAreCutWithAnEllipsis() {
    String cut = GrpcErrors.bounded("sandbox " + "x".repeat(8192) + " not found");
    assertThat(cut)
        .hasSize(GrpcErrors.MAX_MESSAGE_CHARS)
        .startsWith("sandbox xxx")
        .endsWith("\u2026");
  }
}
