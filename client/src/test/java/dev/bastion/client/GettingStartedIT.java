package dev.bastion.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.client.examples.GettingStarted;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The example of the README and the package documentation runs, and leaves no sandbox behind. */
@ExtendWith(EmbeddedBastion.class)
class GettingStartedIT {

  static EmbeddedBastion.Server server;
  static Bastion bob;

  @BeforeAll
  static void connect(EmbeddedBastion.Server running) {
    server = running;
    bob = Bastion.connect(server.url(), EmbeddedBastion.BOB);
  }

  @AfterAll
  static void close() {
    EmbeddedBastion.closeAll(bob);
  }

  @Test
  void theDocumentedExampleRunsAndCleansUp() {
    int before = bob.sandboxes().list().size();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    GettingStarted.run(
        server.url(), EmbeddedBastion.BOB, new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .isEqualTo("42\nhello from stdin\nexit 0\n90\n");
    assertThat(bob.sandboxes().list()).hasSize(before);
  }
}
