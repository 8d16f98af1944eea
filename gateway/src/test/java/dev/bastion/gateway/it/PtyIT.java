package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.PtySize;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec on a pseudo-terminal inside a real gVisor sandbox, through the gateway: sandboxd opens the
 * terminal with JNA under runsc's devpts and a read-only root.
 */
class PtyIT {

  static final String TOKEN = "pty-token-0123456789abcdef";
  static final int WAIT_SECONDS = 60;

  @TempDir static Path stateDir;
  static BastionServer server;
  static Api api;
  static Channel tenant;
  static String sandbox;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = stateDir.resolve("tokens.txt");
    Files.writeString(tokens, TOKEN + " pty\n");
    server = SandboxHost.start(stateDir.resolve("state"), tokens, 0);
    api = new Api(server.port());
    tenant = api.as(TOKEN);
    sandbox = Api.create(tenant, "python").getId();
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      Api.deleteAllSandboxes(List.of(tenant));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(stateDir.resolve("state"));
  }

  @Test
  void echoesAndFollowsAResize() throws Exception {
    Terminal terminal = new Terminal();
    terminal.start("sh", "-c", "stty size; read line; echo \"got $line\"; stty size");
    terminal.await("24 80\r\n");
    terminal.send(ExecRequest.newBuilder().setResize(size(132, 43)).build());
    terminal.type("hello\n");
    // The terminal echoes what was typed, then the shell answers.
    terminal.await("hello\r\ngot hello\r\n43 132\r\n");
    assertThat(terminal.exited().getExitCode()).isZero();
  }

  @Test
  void runsPythonAndStopsOnASignal() throws Exception {
    Terminal terminal = new Terminal();
    terminal.start("sh", "-c", "python3 -c 'print(6*7)'; exec sleep 1000");
    terminal.await("42\r\n");
    terminal.send(ExecRequest.newBuilder().setSignal(2).build());
    assertThat(terminal.exited().getSignal()).isEqualTo(2);
  }

  /**
   * A typed ^C interrupts the foreground program and ^D ends input, as on Linux: the gVisor release
   * provisioning installs (0.0~20240729) has ISIG and VEOF in its line discipline, which Debian
   * 12's own (0.0~20221219) lacked.
   */
  @Test
  void aTypedCtrlCInterruptsAndCtrlDEndsInput() throws Exception {
    Terminal terminal = new Terminal();
    // The shell is in the foreground group too: it ignores the ^C by a trap (which, unlike an
    // ignored signal, its children do not inherit). Python says when it waits, so the ^C comes
    // while it is the one running.
    terminal.start(
        "sh",
        "-c",
        "trap : INT; python3 -c \"print('waiting', flush=True); import time; time.sleep(1000)\";"
            + " echo \"python ended $?\"; cat; echo \"cat ended $?\"");
    terminal.await("waiting\r\n");
    terminal.type("\u0003");
    // Python 3.13 colours its traceback on a terminal: only the shell's line is matched.
    terminal.await("python ended 130\r\n");
    // Unlike Linux, gVisor leaves the ^C itself in the input queue after it sent SIGINT: a line
    // ends it, so that the ^D comes on an empty line, where it ends input.
    terminal.type("line\n");
    terminal.type("\u0004");
    terminal.await("cat ended 0\r\n");
    assertThat(terminal.exited().getExitCode()).isZero();
  }

  @Test
  void theExitCodeComesBack() throws Exception {
    Terminal terminal = new Terminal();
    terminal.start("sh", "-c", "read line; exit 3");
    terminal.type("bye\n");
    terminal.await("bye\r\n");
    assertThat(terminal.exited().getExitCode()).isEqualTo(3);
  }

  private static PtySize size(int cols, int rows) {
    return PtySize.newBuilder().setCols(cols).setRows(rows).build();
  }

  /** One Exec call on an 80x24 terminal, read as the screen text it produced. */
  private static final class Terminal implements StreamObserver<ExecEvent> {

    private final LinkedBlockingQueue<ExecEvent> events = new LinkedBlockingQueue<>();
    private final StringBuilder screen = new StringBuilder();
    private final StreamObserver<ExecRequest> requests =
        ClientCalls.asyncBidiStreamingCall(tenant.newCall(Api.EXEC, Api.deadline(120)), this);

    void start(String... argv) {
      send(
          ExecRequest.newBuilder()
              .setStart(
                  ExecStart.newBuilder()
                      .setSandboxId(sandbox)
                      .addAllArgv(List.of(argv))
                      .setPty(size(80, 24))
                      .setStdin(true))
              .build());
    }

    void send(ExecRequest request) {
      requests.onNext(request);
    }

    void type(String keys) {
      send(ExecRequest.newBuilder().setStdin(ByteString.copyFromUtf8(keys)).build());
    }

    /** Reads until the screen ends with {@code text}. */
    void await(String text) throws InterruptedException {
      while (!screen.toString().endsWith(text)) {
        ExecEvent event = next();
        assertThat(event.hasExited()).as("exited before %s: %s", text, screen).isFalse();
        assertThat(event.hasStdout() || event.hasStderr()).as("output only as pty").isFalse();
        screen.append(event.getPty().toStringUtf8());
      }
    }

    /** Reads up to the exited event. */
    Exited exited() throws InterruptedException {
      while (true) {
        ExecEvent event = next();
        if (event.hasExited()) {
          requests.onCompleted();
          return event.getExited();
        }
      }
    }

    private ExecEvent next() throws InterruptedException {
      ExecEvent event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(event).as("an event within %ss after: %s", WAIT_SECONDS, screen).isNotNull();
      return event;
    }

    @Override
    public void onNext(ExecEvent event) {
      events.add(event);
    }

    @Override
    public void onError(Throwable t) {
      events.add(
          ExecEvent.newBuilder().setPty(ByteString.copyFromUtf8("[error " + t + "]")).build());
    }

    @Override
    public void onCompleted() {}
  }
}
