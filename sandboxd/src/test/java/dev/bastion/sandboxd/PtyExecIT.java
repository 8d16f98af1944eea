package dev.bastion.sandboxd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ConnectRequest;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.PtySize;
import dev.bastion.sandboxd.GrpcTestClient.Live;
import dev.bastion.sandboxd.GrpcTestClient.Outcome;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exec on a pseudo-terminal, against a real sandboxd running plain processes on this host. */
class PtyExecIT {

  @TempDir static Path temp;
  static SandboxdServer server;
  static GrpcTestClient client;

  @BeforeAll
  static void startServer() throws Exception {
    Path workspace = Files.createDirectory(temp.resolve("workspace"));
    Path socket = temp.resolve("run/sandboxd.sock");
    server =
        LocalSandboxd.start("--socket", socket.toString(), "--workspace", workspace.toString());
    client = new GrpcTestClient(socket);
  }

  @AfterAll
  static void stopServer() throws Exception {
    client.close();
    LocalSandboxd.stop(server);
  }

  @Test
  void outputComesAsPtyBytesFromATerminal() throws Exception {
    Outcome<ExecEvent> outcome =
        exec(
            pty(
                80,
                24,
                b -> {},
                "sh",
                "-c",
                "echo out; echo err >&2; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo tty; echo $TERM"));
    assertThat(outcome.status()).isEqualTo(GrpcStatus.OK);
    assertThat(text(outcome.messages())).isEqualTo("out\r\nerr\r\ntty\r\nxterm-256color\r\n");
    assertThat(outcome.messages()).noneMatch(e -> e.hasStdout() || e.hasStderr());
    assertThat(exited(outcome.messages()).getExitCode()).isZero();
  }

  @Test
  void theRequestsTermWins() throws Exception {
    Outcome<ExecEvent> outcome =
        exec(pty(80, 24, b -> b.putEnv("TERM", "vt100"), "sh", "-c", "echo $TERM"));
    assertThat(text(outcome.messages())).isEqualTo("vt100\r\n");
  }

  @Test
  void sttySizeReportsTheStartSizeThenTheResize() throws Exception {
    Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
    live.send(pty(80, 24, b -> b.setStdin(true), "sh", "-c", "stty size; read line; stty size"));
    StringBuilder screen = new StringBuilder();
    awaitText(live, screen, "24 80\r\n");
    live.send(ExecRequest.newBuilder().setResize(size(100, 30)).build());
    live.send(stdin("\n"));
    awaitText(live, screen, "30 100\r\n");
    assertThat(exited(live.outcome().messages()).getExitCode()).isZero();
  }

  @Test
  void controlCInterruptsTheForegroundProcess() throws Exception {
    // An ignored signal stays ignored across fork and exec: under such a JVM no ^C can work.
    assertThat(sigintIgnored())
        .as(
            "SIGINT is ignored by this test JVM (started as a background job of a shell without"
                + " job control?), and the processes sandboxd starts inherit that")
        .isFalse();
    Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
    live.send(pty(80, 24, b -> b.setStdin(true), "sh", "-c", "echo ready; exec sleep 1000"));
    awaitText(live, new StringBuilder(), "ready\r\n");
    live.send(stdin("\u0003"));
    Exited exited = exited(live.outcome().messages());
    assertThat(exited.getSignal()).isEqualTo(2);
    assertThat(exited.getExitCode()).isEqualTo(130);
  }

  @Test
  void reportsTheExitCode() throws Exception {
    assertThat(exited(exec(pty(80, 24, b -> {}, "sh", "-c", "exit 3")).messages()).getExitCode())
        .isEqualTo(3);
  }

  @Test
  void eofTypesTheEndOfFileCharacter() throws Exception {
    Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
    live.send(pty(80, 24, b -> b.setStdin(true), "cat"));
    live.send(stdin("hello\n"));
    // The terminal echoes the line, then cat prints it.
    awaitText(live, new StringBuilder(), "hello\r\nhello\r\n");
    live.send(ExecRequest.newBuilder().setEof(true).build());
    assertThat(exited(live.outcome().messages()).getExitCode()).isZero();
  }

  @Test
  void outputArrivesInOrder() throws Exception {
    Outcome<ExecEvent> outcome =
        exec(
            pty(
                80,
                24,
                b -> {},
                "python3",
                "-c",
                "import sys\nfor i in range(20000): sys.stdout.write(f'{i}\\n')"));
    String expected =
        IntStream.range(0, 20000).mapToObj(i -> i + "\r\n").collect(Collectors.joining());
    assertThat(text(outcome.messages())).isEqualTo(expected);
  }

  @Test
  void theOutputCapCoversTheTerminal() throws Exception {
    Outcome<ExecEvent> outcome =
        exec(
            pty(
                80,
                24,
                b -> b.setMaxOutputBytes(1000),
                "python3",
                "-c",
                "import sys\nsys.stdout.write('x' * 200000)"));
    assertThat(text(outcome.messages())).hasSize(1000);
    assertThat(exited(outcome.messages()).getTruncated()).isTrue();
  }

  @Test
  void connectReplaysTheTerminal() throws Exception {
    Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
    live.send(
        pty(
            80,
            24,
            b -> b.setTag("shell").setStdin(true),
            "sh",
            "-c",
            "echo before; read line; echo after"));
    awaitText(live, new StringBuilder(), "before\r\n");
    live.cancel();
    Live<ConnectRequest, ExecEvent> watcher = client.open(ProcessesGrpcClient.Connect);
    watcher.send(ConnectRequest.newBuilder().setTag("shell").build());
    watcher.request.end();
    assertThat(watcher.next().hasStarted()).isTrue();
    assertThat(watcher.next().getPty().toStringUtf8()).isEqualTo("before\r\n");
    client.call(
        ProcessesGrpcClient.Signal,
        dev.bastion.api.v1.SignalRequest.newBuilder().setTag("shell").setSignal(9).build());
    assertThat(exited(watcher.outcome().messages()).getSignal()).isEqualTo(9);
  }

  @Test
  void refusesSizesOutOfRange() throws Exception {
    Outcome<ExecEvent> zero = exec(pty(0, 24, b -> {}, "true"));
    assertThat(zero.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(zero.message())
        .isEqualTo("pty size 0x24 is out of range: cols and rows must be 1..1000");
    assertThat(exec(pty(80, 1001, b -> {}, "true")).status())
        .isEqualTo(GrpcStatus.INVALID_ARGUMENT);

    Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
    live.send(pty(80, 24, b -> b.setStdin(true), "sh", "-c", "echo ready; exec sleep 1000"));
    int pid = live.next().getStarted().getPid();
    live.send(ExecRequest.newBuilder().setResize(size(5000, 24)).build());
    Outcome<ExecEvent> outcome = live.outcome();
    assertThat(outcome.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(outcome.message())
        .isEqualTo("pty size 5000x24 is out of range: cols and rows must be 1..1000");
    awaitTrue(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void aResizeWithoutATerminalIsIgnored() throws Exception {
    Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
    live.send(
        ExecRequest.newBuilder()
            .setStart(ExecStart.newBuilder().addArgv("cat").setStdin(true))
            .build());
    live.send(ExecRequest.newBuilder().setResize(size(0, 0)).build());
    live.send(stdin("still here\n"));
    live.send(ExecRequest.newBuilder().setEof(true).build());
    Outcome<ExecEvent> outcome = live.outcome();
    assertThat(outcome.status()).isEqualTo(GrpcStatus.OK);
    assertThat(
            outcome.messages().stream()
                .map(ExecEvent::getStdout)
                .reduce(ByteString.EMPTY, ByteString::concat)
                .toStringUtf8())
        .isEqualTo("still here\n");
  }

  @Test
  void terminalsLeaveNoDescriptorsOrReadersBehind() throws Exception {
    for (int i = 0; i < 20; i++) {
      exec(pty(80, 24, b -> {}, "echo", "hi"));
      Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
      live.send(pty(80, 24, b -> b.setStdin(true), "sh", "-c", "echo ready; exec sleep 1000"));
      awaitText(live, new StringBuilder(), "ready\r\n");
      live.cancel();
    }
    awaitTrue(() -> terminalDescriptors() == 0 && terminalReaders() == 0);
  }

  // ---- helpers ----

  private static ExecRequest pty(
      int cols, int rows, Consumer<ExecStart.Builder> options, String... argv) {
    ExecStart.Builder start =
        ExecStart.newBuilder().addAllArgv(List.of(argv)).setPty(size(cols, rows));
    options.accept(start);
    return ExecRequest.newBuilder().setStart(start).build();
  }

  private static PtySize size(int cols, int rows) {
    return PtySize.newBuilder().setCols(cols).setRows(rows).build();
  }

  private static ExecRequest stdin(String text) {
    return ExecRequest.newBuilder().setStdin(ByteString.copyFromUtf8(text)).build();
  }

  private static Outcome<ExecEvent> exec(ExecRequest start) throws Exception {
    return client.call(ProcessesGrpcClient.Exec, start);
  }

  /** Reads events into {@code screen} until it ends with {@code expected}. */
  private static void awaitText(
      Live<ExecRequest, ExecEvent> live, StringBuilder screen, String expected)
      throws InterruptedException {
    while (!screen.toString().endsWith(expected)) {
      ExecEvent event = live.next();
      assertThat(event.hasExited()).as("exited before %s: %s", expected, screen).isFalse();
      screen.append(event.getPty().toStringUtf8());
    }
  }

  private static String text(List<ExecEvent> events) {
    return events.stream()
        .map(ExecEvent::getPty)
        .reduce(ByteString.EMPTY, ByteString::concat)
        .toStringUtf8();
  }

  private static Exited exited(List<ExecEvent> events) {
    assertThat(events).isNotEmpty();
    ExecEvent last = events.get(events.size() - 1);
    assertThat(last.hasExited()).as("last event is exited: %s", events).isTrue();
    return last.getExited();
  }

  /** This JVM's open descriptors on a terminal master or slave (sandboxd runs in-process). */
  private static long terminalDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  String target = Files.readSymbolicLink(fd).toString();
                  return target.equals("/dev/ptmx") || target.startsWith("/dev/pts/");
                } catch (IOException gone) {
                  return false;
                }
              })
          .count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Threads currently inside a terminal's read loop. */
  private static long terminalReaders() {
    return Thread.getAllStackTraces().values().stream()
        .filter(
            stack ->
                Stream.of(stack)
                    .anyMatch(f -> f.getClassName().startsWith(PseudoTerminal.class.getName())))
        .count();
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GrpcTestClient.TIMEOUT_SECONDS);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within the timeout").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** Whether this process ignores SIGINT: bit 1 (signal 2) of SigIgn in /proc/self/status. */
  private static boolean sigintIgnored() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0b10) != 0;
      }
    }
    return false;
  }
}
