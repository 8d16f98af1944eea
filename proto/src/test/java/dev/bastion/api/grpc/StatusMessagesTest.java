package dev.bastion.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusMessagesTest {

  @Test
  void grpcMessagesArePercentDecodedWithPlusKept() {
    assertThat(StatusMessages.decode("sandbox%20sbx-1%20not%20found"))
        .isEqualTo("sandbox sbx-1 not found");
    assertThat(StatusMessages.decode("a+b %C3%A9")).isEqualTo("a+b é");
    assertThat(StatusMessages.decode("100% broken")).isEqualTo("100% broken");
    assertThat(StatusMessages.decode(null)).isEmpty();
  }

  @Test
  void encodingEscapesOnlyWhatTheSpecAsksAndDecodesBack() {
    String message = "path /etc/passwd: 100% \"ok\" é\n";
    assertThat(StatusMessages.encode(message))
        .isEqualTo("path /etc/passwd: 100%25 \"ok\" %C3%A9%0A");
    assertThat(StatusMessages.decode(StatusMessages.encode(message))).isEqualTo(message);
    assertThat(StatusMessages.decode(StatusMessages.encode("a+b"))).isEqualTo("a+b");
  }
}
