package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.RunResult;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket terminal end to end: a shell on a real pseudo-terminal in a gVisor sandbox, driven
 * by the JDK's WebSocket client; every refusal before the upgrade.
 */
class TerminalIT {

  static final String OPS = "terminal-ops-token-0123456789";
  static final String ALICE = "terminal-alice-token-0123456789";
  static final String BOB = "terminal-bob-token-0123456789";
  static final String CAROL = "terminal-carol-token-0123456789";

  static final String POLICY =
      """
      apiVersion: bastion.dev/v1alpha1
      kind: ToolPolicy
      metadata: {name: consoles}
      spec:
        tenants: [carol]
        rules:
        - name: no-terminals
          when: call.tool == "terminal.open"
          action: Deny
          message: terminals are for humans
      """;

  /** Short enough to see in a test, long enough for a shell to start under gVisor. */
  static final int IDLE_SECONDS = 6;

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static Channel alice;
  static String aliceBox;
  static String bobBox;
  static String carolBox;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = dir.resolve("tokens");
    Files.writeString(
        tokens, OPS + " ops admin\n" + ALICE + " alice\n" + BOB + " bob\n" + CAROL + " carol\n");
    // Read once at start; cleared again so servers of later tests keep the defaults.
    System.setProperty("bastion.terminal.ping-seconds", "1");
    System.setProperty("bastion.terminal.idle-seconds", String.valueOf(IDLE_SECONDS));
    try {
      server = SandboxHost.start(dir.resolve("state"), tokens, 0);
    } finally {
      System.clearProperty("bastion.terminal.ping-seconds");
      System.clearProperty("bastion.terminal.idle-seconds");
    }
    port = server.port();
    api = new Api(port);
    alice = api.as(ALICE);
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY);
    ServerCli.run(port, OPS, 0, "apply", "-f", policy.toString());
    aliceBox = Api.create(alice, "python").getId();
    bobBox = Api.create(api.as(BOB), "python").getId();
    carolBox = Api.create(api.as(CAROL), "python").getId();
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      Api.deleteAllSandboxes(List.of(alice, api.as(BOB), api.as(CAROL)));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  static String path(String sandbox) {
    return "/v1/sandboxes/" + sandbox + "/terminal";
  }

  @Test
  void keysEchoThroughARealPtyOfTheAskedSize() throws Exception {
    TerminalClient terminal =
        TerminalClient.open(port, path(aliceBox) + "?cols=100&rows=30", ALICE);
    terminal.type("echo hello-$((6*7)); stty size; tty; echo $TERM\n");
    String output = terminal.awaitOutput("xterm-256color\r\n");
    assertThat(output)
        .as("the pty echoes what was typed, and its output has CRLF line ends")
        .contains("echo hello-$((6*7))")
        .contains("hello-42\r\n")
        .contains("30 100\r\n")
        .contains("/dev/pts/");
    terminal.socket.sendClose(1000, "bye").join();
    assertThat(terminal.awaitClose().code()).isEqualTo(1000);
  }

  @Test
  void aResizeMessageChangesTheSize() throws Exception {
    TerminalClient terminal = TerminalClient.open(port, path(aliceBox), ALICE);
    terminal.type("stty size\n");
    terminal.awaitOutput("24 80\r\n");
    terminal.sendText("{\"type\":\"resize\",\"cols\":132,\"rows\":43}");
    // Asked until it shows: under runsc 0.0~20240729 a stty typed right after the resize has
    // been seen (once, in CI) to print the old size; the resize must take effect, soon.
    boolean resized = false;
    for (int attempt = 0; attempt < 10 && !resized; attempt++) {
      terminal.type("stty size\n");
      resized = terminal.outputWithin("43 132\r\n", 2000);
    }
    assertThat(resized).as("the new size, in: %s", terminal.output()).isTrue();
    terminal.socket.sendClose(1000, "bye").join();
  }

  @Test
  void theExitCodeComesInATextFrameBeforeANormalClose() throws Exception {
    TerminalClient terminal = TerminalClient.open(port, path(aliceBox), ALICE);
    terminal.type("exit 3\n");
    TerminalClient.Closed closed = terminal.awaitClose();
    assertThat(closed.code()).isEqualTo(1000);
    assertThat(terminal.texts()).hasSize(1);
    JsonObject exit = new JsonObject(terminal.texts().get(0));
    assertThat(exit.getString("type")).isEqualTo("exit");
    assertThat(exit.getInteger("code")).isEqualTo(3);
  }

  @Test
  void theBearerSubprotocolAuthenticatesAndIsEchoed() throws Exception {
    TerminalClient terminal =
        TerminalClient.open(
            port,
            path(aliceBox),
            b -> b.subprotocols("bearer." + ALICE).header("Origin", "http://127.0.0.1:" + port));
    assertThat(terminal.socket.getSubprotocol()).isEqualTo("bearer." + ALICE);
    terminal.type("echo sub-$((40+2))\n");
    terminal.awaitOutput("sub-42\r\n");
    terminal.socket.sendClose(1000, "bye").join();
  }

  @Test
  void closingTheWebSocketKillsTheShell() throws Exception {
    TerminalClient terminal = TerminalClient.open(port, path(aliceBox), ALICE);
    terminal.type("echo $$ > /workspace/shell.pid; echo saved\n");
    terminal.awaitOutput("saved\r\n");
    terminal.socket.sendClose(1000, "bye").join();
    terminal.awaitClose();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    RunResult alive;
    do {
      alive = Api.run(alice, aliceBox, "sh", "-c", "kill -0 $(cat /workspace/shell.pid)");
    } while (alive.getExitCode() == 0 && System.nanoTime() < deadline);
    assertThat(alive.getExitCode()).as("the shell is gone").isNotZero();
  }

  @Test
  void anIdleTerminalIsClosedWhileAnsweredPingsKeepNothingOpen() throws Exception {
    TerminalClient terminal = TerminalClient.open(port, path(aliceBox), ALICE);
    long start = System.nanoTime();
    TerminalClient.Closed closed = terminal.awaitClose();
    assertThat(closed).isEqualTo(new TerminalClient.Closed(1001, "idle"));
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
        .as("pings every second answered by the client did not count as activity")
        .isGreaterThanOrEqualTo(IDLE_SECONDS - 1);
  }

  @Test
  void aBadControlMessageClosesWithAReason() throws Exception {
    TerminalClient terminal = TerminalClient.open(port, path(aliceBox), ALICE);
    terminal.sendText("{\"type\":\"resize\",\"cols\":0,\"rows\":10}");
    assertThat(terminal.awaitClose())
        .isEqualTo(new TerminalClient.Closed(1008, "resize needs cols and rows from 1 to 1000"));
  }

  @Test
  void aFrameOver64KiBIsRefused() throws Exception {
    TerminalClient terminal = TerminalClient.open(port, path(aliceBox), ALICE);
    // Netty refuses the frame from its header and closes (1009) while the payload is still on its
    // way, so the client may see the connection reset before it reads the close frame: as an
    // error, or as an abnormal close (1006, which no peer sends).
    terminal.socket.sendBinary(ByteBuffer.allocate(70 * 1024), true);
    try {
      assertThat(terminal.awaitClose().code()).isIn(1009, 1006);
    } catch (ExecutionException reset) {
      assertThat(reset.getCause()).isInstanceOf(IOException.class);
    }
    TerminalClient next = TerminalClient.open(port, path(aliceBox), ALICE);
    next.type("echo still-serving\n");
    next.awaitOutput("still-serving\r\n");
    next.socket.sendClose(1000, "bye").join();
  }

  @Test
  void noOrAWrongTokenIsRefusedBeforeTheUpgrade() throws Exception {
    assertThat(TerminalClient.refusal(port, path(aliceBox), b -> b)).isEqualTo(401);
    assertThat(
            TerminalClient.refusal(
                port, path(aliceBox), b -> b.header("Authorization", "Bearer not-a-token")))
        .isEqualTo(401);
    assertThat(TerminalClient.refusal(port, path(aliceBox), b -> b.subprotocols("bearer.nope")))
        .isEqualTo(401);
  }

  @Test
  void anotherTenantsSandboxIsNotFoundLikeAnUnknownOne() throws Exception {
    assertThat(TerminalClient.refusal(port, path(bobBox), auth(ALICE))).isEqualTo(404);
    assertThat(TerminalClient.refusal(port, path("no-such-sandbox"), auth(ALICE))).isEqualTo(404);
  }

  @Test
  void aPolicyDenialIsForbiddenAndAudited() throws Exception {
    assertThat(TerminalClient.refusal(port, path(carolBox), auth(CAROL))).isEqualTo(403);
    JsonObject line =
        AuditLines.await(
            dir.resolve("state").resolve("audit.jsonl"),
            l -> l.contains("\"terminal.open\"") && l.contains("\"deny\""));
    assertThat(line.getString("tenant")).isEqualTo("carol");
    assertThat(line.getString("sandbox")).isEqualTo(carolBox);
    assertThat(line.getString("rule")).isEqualTo("consoles/no-terminals");
  }

  @Test
  void aCrossOriginUpgradeOrABadSizeIsRefused() throws Exception {
    assertThat(
            TerminalClient.refusal(
                port,
                path(aliceBox),
                b -> auth(ALICE).apply(b).header("Origin", "http://evil.example")))
        .isEqualTo(403);
    assertThat(TerminalClient.refusal(port, path(aliceBox) + "?cols=0", auth(ALICE)))
        .isEqualTo(400);
    assertThat(TerminalClient.refusal(port, path(aliceBox) + "?rows=1001", auth(ALICE)))
        .isEqualTo(400);
  }

  static java.util.function.Function<
          java.net.http.WebSocket.Builder, java.net.http.WebSocket.Builder>
      auth(String token) {
    return b -> b.header("Authorization", "Bearer " + token);
  }
}
