package dev.bastion.gateway.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.auth.Authenticator;
import dev.bastion.gateway.auth.TokenFile;
import io.vertx.core.MultiMap;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalHandshakeTest {

  static final String TOKEN = "alice-token-0123456789";
  static final String PATH = "/v1/sandboxes/box-1/terminal";

  @TempDir Path dir;
  Authenticator authenticator;

  @BeforeEach
  void tokens() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, TOKEN + " alice\n");
    authenticator = new Authenticator(TokenFile.read(file));
  }

  static MultiMap headers(String... pairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  TerminalHandshake read(MultiMap headers, MultiMap params) {
    return TerminalHandshake.read(PATH, headers, params, authenticator);
  }

  int refusal(MultiMap headers, MultiMap params) {
    try {
      read(headers, params);
    } catch (TerminalRefused e) {
      return e.status();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void aHeaderTokenOpensTheNamedSandboxAtTheDefaultSize() {
    TerminalHandshake handshake = read(headers("Authorization", "Bearer " + TOKEN), headers());
    assertThat(handshake.tenant().name()).isEqualTo("alice");
    assertThat(handshake.sandboxId()).isEqualTo("box-1");
    assertThat(handshake.cols()).isEqualTo(80);
    assertThat(handshake.rows()).isEqualTo(24);
  }

  @Test
  void theFirstOfferedSubprotocolMayCarryTheToken() {
    assertThat(
            read(headers("Sec-WebSocket-Protocol", "bearer." + TOKEN + ", other"), headers())
                .tenant()
                .name())
        .isEqualTo("alice");
    assertThat(refusal(headers("Sec-WebSocket-Protocol", "other, bearer." + TOKEN), headers()))
        .as("only the first is accepted and echoed, so only the first counts")
        .isEqualTo(401);
  }

  @Test
  void noOrAnUnknownTokenIs401() {
    assertThat(refusal(headers(), headers())).isEqualTo(401);
    assertThat(refusal(headers("Authorization", "Bearer nope"), headers())).isEqualTo(401);
  }

  @Test
  void onlyTheGatewaysOwnOriginMayUpgrade() {
    MultiMap auth = headers("Authorization", "Bearer " + TOKEN, "Host", "gw.example:8080");
    assertThat(
            read(auth.copy(true).add("Origin", "https://gw.example:8080"), headers()).sandboxId())
        .isEqualTo("box-1");
    assertThat(refusal(auth.copy(true).add("Origin", "https://evil.example"), headers()))
        .isEqualTo(403);
    assertThat(refusal(auth.copy(true).add("Origin", "null"), headers())).isEqualTo(403);
    assertThat(refusal(auth.copy(true).add("Origin", "https://gw.example:9090"), headers()))
        .isEqualTo(403);
  }

  @Test
  void sizesAreFrom1To1000() {
    MultiMap auth = headers("Authorization", "Bearer " + TOKEN);
    TerminalHandshake sized = read(auth, headers("cols", "1000", "rows", "1"));
    assertThat(sized.cols()).isEqualTo(1000);
    assertThat(sized.rows()).isEqualTo(1);
    for (String bad : new String[] {"0", "1001", "-5", "80x", ""}) {
      assertThat(refusal(auth, headers("cols", bad))).as(bad).isEqualTo(400);
    }
  }

  @Test
  void onlyTerminalPathsMatch() {
    assertThat(TerminalHandshake.matches(PATH)).isTrue();
    assertThat(TerminalHandshake.matches("/v1/sandboxes//terminal")).isFalse();
    assertThat(TerminalHandshake.matches("/v1/sandboxes/a/b/terminal")).isFalse();
    assertThat(TerminalHandshake.matches("/v1/resources/sandboxes")).isFalse();
  }
}
