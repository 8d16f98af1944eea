package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.server.BastionServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI for people, run as people run it: {@code java -jar target/bastion.jar} in a process of
 * its own, against a real server with gVisor sandboxes, its stdin, stdout, stderr and exit code
 * what a shell would see.
 */
class CliSandboxIT {

  static final String TOKEN = "cli-user-token-0123456789";

  @TempDir static Path dir;
  static BastionServer server;
  static String sandbox;

  /** What one run of the CLI gave. */
  record Outcome(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, TOKEN + " carol\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 1);
    ServerCli.awaitPoolReady(server.port(), TOKEN, "python", 1);
    Outcome created = cli("", "create", "--pool", "python", "--label", "run=cli-it");
    assertThat(created.exit()).as(created.err()).isZero();
    sandbox = created.out().strip();
    assertThat(sandbox).matches("[a-z0-9-]+");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  @Test
  void execStreamsOutputAndExitsWithTheProcesssCode() throws Exception {
    Outcome run = cli("", "exec", sandbox, "--", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(run).isEqualTo(new Outcome(3, "out\n", "err\n"));
    Outcome killed = cli("", "exec", sandbox, "--", "sh", "-c", "kill -TERM $$");
    assertThat(killed.exit()).isEqualTo(128 + 15);
  }

  /** What the README's first steps promise: the data stack, plots to files, git and Node.js. */
  @Test
  void theDefaultImageHasWhatAgentsImport() throws Exception {
    String script =
        "import numpy, pandas, scipy, ipykernel, matplotlib.pyplot as plt\n"
            + "frame = pandas.DataFrame({'x': numpy.arange(5)})\n"
            + "plt.plot(frame.x, frame.x ** 2)\n"
            + "plt.savefig('plot.png')\n"
            + "print(int(frame.x.sum()), plt.get_backend())";
    assertThat(cli("", "exec", sandbox, "--", "python3", "-c", script))
        .isEqualTo(new Outcome(0, "10 Agg\n", ""));
    assertThat(cli("", "exec", sandbox, "--", "sh", "-c", "test -s plot.png && echo plotted").out())
        .isEqualTo("plotted\n");
    assertThat(cli("", "exec", sandbox, "--", "node", "-e", "console.log(6 * 7)").out())
        .isEqualTo("42\n");
    assertThat(cli("", "exec", sandbox, "--", "git", "--version").out()).startsWith("git version");
  }

  @Test
  void execForwardsStdinWhenAsked() throws Exception {
    String upper = "import sys; print(sys.stdin.read().upper(), end='')";
    assertThat(cli("hello\n", "exec", "-i", sandbox, "--", "python3", "-c", upper))
        .isEqualTo(new Outcome(0, "HELLO\n", ""));
    // Without -i the process's stdin is closed at once.
    assertThat(cli("hello\n", "exec", sandbox, "--", "python3", "-c", upper).out()).isEmpty();
  }

  /**
   * {@code -t} on a real terminal: util-linux's {@code script} gives the CLI a pseudo-terminal of
   * 30 rows and 100 columns, and the process in the sandbox must find itself on a terminal of that
   * size, its exit code coming back through.
   */
  @Test
  void ttyRunsOnAPseudoTerminalOfTheLocalSize() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = Path.of("target", "bastion.jar").toAbsolutePath().toString();
    String inner =
        "stty rows 30 cols 100 && exec "
            + java
            + " -jar "
            + jar
            + " exec -t "
            + sandbox
            + " -- sh -c 'test -t 0 && stty size; exit 7'";
    ProcessBuilder builder =
        pointedAtServer(
            new ProcessBuilder("script", "--quiet", "--return", "--command", inner, "/dev/null"));
    Path out = Files.createTempFile(dir, "tty", ".txt");
    Process process =
        builder
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    process.getOutputStream().close();
    assertThat(Files.readString(out)).contains("30 100");
    assertThat(process.exitValue()).as(Files.readString(out)).isEqualTo(7);
  }

  /** Ctrl-C reaches the process; a second one ends the call when the process ignores the first. */
  @Test
  void ctrlCIsForwardedAndASecondOneEndsTheCall() throws Exception {
    Process sleeper = started("exec", sandbox, "--", "sh", "-c", "echo ready; exec sleep 60");
    awaitOutput(sleeper, "ready");
    signal(sleeper, "INT");
    assertThat(sleeper.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(sleeper.exitValue()).isEqualTo(128 + 2);

    Process stubborn =
        started("exec", sandbox, "--", "sh", "-c", "trap '' INT; echo ready; sleep 60; echo done");
    awaitOutput(stubborn, "ready");
    signal(stubborn, "INT");
    signal(stubborn, "INT");
    assertThat(stubborn.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(stubborn.exitValue()).isEqualTo(1);
    assertThat(new String(stubborn.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("error: interrupted twice: the call and its process ended");
  }

  private static Process started(String... args) throws IOException {
    Process process = bastion(args).start();
    process.getOutputStream().close();
    return process;
  }

  /** {@code bastion ARGS} as a process of its own, pointed at the test's server. */
  private static ProcessBuilder bastion(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(Path.of("target", "bastion.jar").toAbsolutePath().toString());
    command.addAll(List.of(args));
    return pointedAtServer(new ProcessBuilder(command));
  }

  private static ProcessBuilder pointedAtServer(ProcessBuilder builder) {
    builder.environment().put("BASTION_SERVER", "http://127.0.0.1:" + server.port());
    builder.environment().put("BASTION_TOKEN", TOKEN);
    return builder;
  }

  private static void awaitOutput(Process process, String line) throws IOException {
    var reader =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String read; (read = reader.readLine()) != null; ) {
      if (read.equals(line)) {
        return;
      }
    }
    throw new AssertionError("the command ended before printing " + line);
  }

  private static void signal(Process process, String name) throws Exception {
    assertThat(
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor())
        .isZero();
  }

  @Test
  void aShellTakesCommandsFromStdin() throws Exception {
    Outcome shell = cli("echo $((6*7))\nexit 5\n", "shell", sandbox);
    assertThat(shell.out()).contains("42");
    assertThat(shell.exit()).isEqualTo(5);
  }

  @Test
  void cpCopiesDirectoriesBothWaysAndFollowsNoLinkOfTheSandboxs() throws Exception {
    Path up = Files.createDirectories(dir.resolve("up/nested"));
    Files.writeString(up.resolve("a.txt"), "alpha\n");
    Files.writeString(dir.resolve("up/b.txt"), "beta\n");
    assertThat(cli("", "cp", dir.resolve("up").toString(), sandbox + ":/workspace/up").exit())
        .isZero();
    assertThat(cli("", "exec", sandbox, "--", "cat", "up/nested/a.txt", "up/b.txt").out())
        .isEqualTo("alpha\nbeta\n");

    String tree =
        "mkdir -p out/sub && echo x > out/x.txt && echo y > out/sub/y.txt"
            + " && ln -s /etc/passwd out/passwd && ln -s / out/root";
    assertThat(cli("", "exec", sandbox, "--", "sh", "-c", tree).exit()).isZero();
    Path down = dir.resolve("down");
    Outcome copied = cli("", "cp", sandbox + ":out", down.toString());
    assertThat(copied.exit()).as(copied.err()).isZero();
    assertThat(Files.readString(down.resolve("x.txt"))).isEqualTo("x\n");
    assertThat(Files.readString(down.resolve("sub/y.txt"))).isEqualTo("y\n");
    assertThat(down.resolve("passwd")).doesNotExist();
    assertThat(down.resolve("root")).doesNotExist();
    assertThat(copied.err())
        .contains("skipped /workspace/out/passwd (a symbolic link, not followed)");
  }

  @Test
  void mistakesAreOneLineAndANonZeroExit() throws Exception {
    Outcome noTty = cli("", "exec", "-t", sandbox, "--", "true");
    assertThat(noTty)
        .isEqualTo(
            new Outcome(1, "", "error: -t needs a terminal: run it from one, or leave -t out\n"));
    Outcome bothLocal = cli("", "cp", "a", "b");
    assertThat(bothLocal.err())
        .isEqualTo("error: one of SRC and DST must be ID:PATH in a sandbox, the other local\n");
    Outcome missing = cli("", "exec", "no-such-sandbox", "--", "true");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).startsWith("error: NOT_FOUND").doesNotContain("Exception");
  }

  /** Runs {@code bastion ARGS} as a process, {@code stdin} fed to it. */
  static Outcome cli(String stdin, String... args) throws IOException, InterruptedException {
    ProcessBuilder builder = bastion(args);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("bastion %s ended", args[0]).isTrue();
    return new Outcome(
        process.exitValue(), Files.readString(out), withoutJvmWarnings(Files.readString(err)));
  }

  /** stderr without the lines the JVM itself prints (Netty's use of sun.misc.Unsafe, say). */
  private static String withoutJvmWarnings(String err) {
    StringBuilder kept = new StringBuilder();
    err.lines()
        .filter(line -> !line.startsWith("WARNING:"))
        .forEach(line -> kept.append(line).append('\n'));
    return kept.toString();
  }
}
