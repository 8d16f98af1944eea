package dev.bastion.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Code contexts through the SDK against a real server and a real kernel in a gVisor sandbox. */
@ExtendWith(EmbeddedBastion.class)
class ContextsIT {

  static Bastion alice;
  static Sandbox sandbox;

  @BeforeAll
  static void start(EmbeddedBastion.Server server) {
    alice = Bastion.connect(server.url(), EmbeddedBastion.ALICE);
    sandbox = alice.sandboxes().create(SandboxSpec.warmPool("python"));
  }

  @AfterAll
  static void stop() {
    EmbeddedBastion.closeAll(alice);
  }

  @Test
  void cellsKeepStateAndRichResultsComeBackDecoded() {
    sandbox.runCode("import pandas as pd\nframe = pd.DataFrame({'legs': [4, 2]})");
    Execution sum = sandbox.runCode("int(frame.legs.sum())");
    assertThat(sum.mainResult()).map(CodeResult::text).contains("6");
    assertThat(sum.error()).isEmpty();
    assertThat(sandbox.runCode("frame").mainResult().flatMap(CodeResult::html))
        .hasValueSatisfying(html -> assertThat(html).contains("<table"));

    Execution figure =
        sandbox.runCode("import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()");
    assertThat(figure.results()).hasSize(1);
    assertThat(figure.results().get(0).png())
        .hasValueSatisfying(png -> assertThat(png).startsWith(0x89, 'P', 'N', 'G'));
  }

  @Test
  void anExceptionIsAnErrorOfTheExecutionNotAThrownOne() {
    Execution failed = sandbox.runCode("print('before')\n1/0");
    assertThat(failed.stdout()).isEqualTo("before\n");
    assertThat(failed.error())
        .hasValueSatisfying(
            error -> {
              assertThat(error.name()).isEqualTo("ZeroDivisionError");
              assertThat(error.plainTraceback()).contains("----> 2 1/0").doesNotContain("\u001B");
            });
  }

  @Test
  void aContextOfItsOwnIsSeparateAndARestartEmptiesIt() {
    SandboxContexts contexts = sandbox.contexts();
    ContextInfo own = contexts.create("python", "", Map.of("MODE", "own"));
    try {
      sandbox.runCode("where = 'default'");
      sandbox.runCode(CodeOptions.code("import os\nwhere = os.environ['MODE']").context(own));
      assertThat(sandbox.runCode(CodeOptions.code("where").context(own)).mainResult())
          .map(CodeResult::text)
          .contains("'own'");
      assertThat(sandbox.runCode("where").mainResult()).map(CodeResult::text).contains("'default'");
      assertThat(contexts.list()).extracting(ContextInfo::id).contains(own.id());

      ContextInfo restarted = contexts.restart(own.id());
      assertThat(restarted.id()).isEqualTo(own.id());
      Execution after = sandbox.runCode(CodeOptions.code("print(os.environ['MODE'])").context(own));
      assertThat(after.error()).map(CodeError::name).contains("NameError");
    } finally {
      contexts.delete(own.id());
    }
    assertThat(contexts.list()).extracting(ContextInfo::id).doesNotContain(own.id());
  }

  @Test
  void aCellPastItsTimeoutIsInterruptedAndTheContextLivesOn() {
    Execution spun =
        sandbox.runCode(CodeOptions.code("while True: pass").timeout(Duration.ofSeconds(1)));
    assertThat(spun.timedOut()).isTrue();
    assertThat(spun.error()).map(CodeError::name).contains("KeyboardInterrupt");
    assertThat(sandbox.runCode("6 * 7").mainResult()).map(CodeResult::text).contains("42");
  }
}
