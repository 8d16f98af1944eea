package dev.bastion.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.RunRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Arguments are checked before any call, and reach the wire as the API wants them. */
class ArgumentsTest {

  @Test
  void aSpecNamesExactlyOneOfTemplateOrWarmPool() {
    CreateSandboxRequest cold =
        SandboxSpec.template("python").label("job", "42").env("TASK", "t").toRequest();
    assertThat(cold.getTemplate()).isEqualTo("python");
    assertThat(cold.getWarmPool()).isEmpty();
    assertThat(cold.getLabelsMap()).containsExactlyEntriesOf(java.util.Map.of("job", "42"));
    assertThat(cold.getEnvMap()).containsEntry("TASK", "t");
    CreateSandboxRequest warm = SandboxSpec.warmPool("python").toRequest();
    assertThat(warm.getWarmPool()).isEqualTo("python");
    assertThat(warm.getTemplate()).isEmpty();
    assertThat(warm.getTimeoutSeconds()).as("the server's default").isZero();
  }

  @Test
  void blankNamesAreRefused() {
    assertThatThrownBy(() -> SandboxSpec.template(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("template");
    assertThatThrownBy(() -> SandboxSpec.warmPool("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SandboxSpec.template("python").label("", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunOptions.command("ls").cwd(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExecOptions.command("ls").tag(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void environmentNamesNoProcessCanHaveAreRefused() {
    assertThatThrownBy(() -> SandboxSpec.template("python").env("A=B", "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A=B");
    assertThatThrownBy(() -> RunOptions.command("true").env("A", "nul\0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunOptions.command("true").env("A", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void timeoutsArePositiveAndRoundedUpToSeconds() {
    assertThat(
            RunOptions.command("sleep", "9")
                .timeout(Duration.ofMillis(1500))
                .toRequest("sbx-1")
                .getTimeoutSeconds())
        .isEqualTo(2);
    assertThat(
            SandboxSpec.template("python")
                .timeout(Duration.ofMillis(1))
                .toRequest()
                .getTimeoutSeconds())
        .as("a short timeout never becomes the server's default")
        .isEqualTo(1);
    assertThatThrownBy(() -> RunOptions.command("true").timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> SandboxSpec.template("python").timeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunOptions.command("true").maxOutputBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCommandHasAProgram() {
    assertThatThrownBy(() -> RunOptions.command())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("argv is empty");
    assertThatThrownBy(() -> ExecOptions.command("", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunOptions.command("echo", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void runOptionsBecomeARunRequest() {
    RunRequest run =
        RunOptions.command("python3", "-")
            .stdin("print(1)")
            .env("A", "1")
            .cwd("src")
            .maxOutputBytes(10)
            .toRequest("sbx-1");
    assertThat(run.getSandboxId()).isEqualTo("sbx-1");
    assertThat(run.getArgvList()).containsExactly("python3", "-");
    assertThat(run.getStdin().toStringUtf8()).isEqualTo("print(1)");
    assertThat(run.getEnvMap()).containsEntry("A", "1");
    assertThat(run.getCwd()).isEqualTo("src");
    assertThat(run.getMaxOutputBytes()).isEqualTo(10);
  }

  @Test
  void execOptionsBecomeAnExecStart() {
    ExecStart plain = ExecOptions.command("cat").toStart("sbx-1");
    assertThat(plain.getStdin()).as("stdin is closed unless asked for").isFalse();
    ExecStart start = ExecOptions.command("cat").openStdin().tag("job").toStart("sbx-1");
    assertThat(start.getStdin()).isTrue();
    assertThat(start.getTag()).isEqualTo("job");
    assertThat(start.getArgvList()).containsExactly("cat");
    assertThat(ExecOptions.command("cat").hasCallbacks()).isFalse();
    assertThat(ExecOptions.command("cat").onExit(exit -> {}).hasCallbacks()).isTrue();
  }

  @Test
  void serverUrlsAreCleartextHttpWithoutAPath() {
    assertThat(ServerUrl.parse("http://127.0.0.1:8080/"))
        .isEqualTo(new ServerUrl("127.0.0.1", 8080, "http://127.0.0.1:8080/"));
    assertThat(ServerUrl.parse("http://bastion").port()).isEqualTo(80);
    assertThat(ServerUrl.parse("http://[::1]:9000").host()).isEqualTo("::1");
    for (String bad :
        new String[] {"https://h:1", "127.0.0.1:8080", "http://h:1/api", "http://h:1?x", "h t"}) {
      assertThatThrownBy(() -> ServerUrl.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid server URL");
    }
  }

  @Test
  void aTokenAHeaderCannotCarryIsRefused() {
    assertThat(Transport.bearer("abc-123")).isEqualTo("Bearer abc-123");
    assertThatThrownBy(() -> Transport.bearer("abc\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line break");
    assertThatThrownBy(() -> Transport.bearer(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("required");
    assertThatThrownBy(() -> Bastion.connect(new BastionOptions()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token");
  }
}
