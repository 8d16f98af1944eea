package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.api.v1.CodeContext;
import dev.bastion.api.v1.CodeEvent;
import dev.bastion.api.v1.ContextRequest;
import dev.bastion.api.v1.CreateContextRequest;
import dev.bastion.api.v1.ExecutionError;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.RunCodeRequest;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code contexts through the gateway into real gVisor sandboxes, whose default image carries
 * python3-ipykernel: state between cells, rich results, interrupts, a kernel that dies and its
 * restart, tenancy, policy and maxExecSeconds as for every call.
 */
class ContextsGatewayIT {

  static final String OPS = "ctx-ops-token-0123456789";
  static final String ALICE = "ctx-alice-token-0123456789";
  static final String BOB = "ctx-bob-token-0123456789";

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static String aliceBox;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens =
        Files.writeString(
            dir.resolve("tokens"), OPS + " ops admin\n" + ALICE + " alice\n" + BOB + " bob\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 0);
    api = new Api(server.port());
    Path policy =
        Files.writeString(
            dir.resolve("policy.yaml"),
            """
            apiVersion: bastion.dev/v1alpha1
            kind: ToolPolicy
            metadata: {name: cells}
            spec:
              tenants: [alice]
              rules:
              - name: no-shell-from-cells
                when: call.tool == "code.run" && call.code.contains("os.system")
                action: Deny
                message: cells may not start shells
              limits: {maxExecSeconds: 30}
            """);
    ServerCli.run(server.port(), OPS, 0, "apply", "-f", policy.toString());
    aliceBox = Api.create(api.as(ALICE), "python").getId();
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      Api.deleteAllSandboxes(List.of(api.as(ALICE), api.as(BOB)));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  /** Runs a cell in the sandbox's default context, with the timeout maxExecSeconds gives. */
  private static List<CodeEvent> run(Channel as, String sandbox, String code) {
    return run(as, RunCodeRequest.newBuilder().setSandboxId(sandbox).setCode(code).build());
  }

  private static List<CodeEvent> run(Channel as, RunCodeRequest request) {
    List<CodeEvent> events = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(as, Api.RUN_CODE, Api.deadline(120), request)
        .forEachRemaining(events::add);
    assertThat(events.getLast().hasDone()).as(events.toString()).isTrue();
    return events;
  }

  private static String main(List<CodeEvent> events) {
    return events.stream()
        .filter(e -> e.hasResult() && e.getResult().getIsMainResult())
        .map(e -> e.getResult().getDataMap().get("text/plain"))
        .collect(Collectors.joining());
  }

  @Test
  void cellsKeepStateAndFiguresComeBackAsPng() {
    Channel alice = api.as(ALICE);
    run(alice, aliceBox, "import pandas as pd\nframe = pd.DataFrame({'a': [1, 2, 3]})");
    assertThat(main(run(alice, aliceBox, "int(frame.a.sum())"))).isEqualTo("6");
    List<CodeEvent> figure =
        run(
            alice,
            aliceBox,
            "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()");
    String png =
        figure.stream()
            .filter(e -> e.hasResult() && e.getResult().getDataMap().containsKey("image/png"))
            .map(e -> e.getResult().getDataMap().get("image/png"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no figure in " + figure));
    assertThat(Base64.getMimeDecoder().decode(png)).startsWith(0x89, 'P', 'N', 'G');
  }

  private static ExecutionError error(List<CodeEvent> events) {
    return events.stream()
        .filter(CodeEvent::hasError)
        .map(CodeEvent::getError)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no error in " + events));
  }

  @Test
  void anInterruptThroughTheGatewayStopsARunawayCellAndKeepsTheState() throws Exception {
    Channel alice = api.as(ALICE);
    String context = run(alice, aliceBox, "kept = 'yes'").getLast().getDone().getContextId();
    BlockingQueue<CodeEvent> events = new LinkedBlockingQueue<>();
    ClientCall<RunCodeRequest, CodeEvent> cell = alice.newCall(Api.RUN_CODE, Api.deadline(120));
    ClientCalls.asyncServerStreamingCall(
        cell,
        RunCodeRequest.newBuilder()
            .setSandboxId(aliceBox)
            .setContextId(context)
            .setCode("print('spinning', flush=True)\nwhile True: pass")
            .build(),
        new StreamObserver<>() {
          @Override
          public void onNext(CodeEvent event) {
            events.add(event);
          }

          @Override
          public void onError(Throwable t) {
            events.add(CodeEvent.newBuilder().setStderr("call failed: " + t).build());
          }

          @Override
          public void onCompleted() {}
        });
    assertThat(events.poll(60, TimeUnit.SECONDS))
        .extracting(CodeEvent::getStdout)
        .isEqualTo("spinning\n");
    long interrupted = System.nanoTime();
    Api.call(
        alice,
        Api.INTERRUPT_CONTEXT,
        ContextRequest.newBuilder().setSandboxId(aliceBox).setContextId(context).build());
    List<CodeEvent> rest = new ArrayList<>();
    while (rest.isEmpty() || !rest.getLast().hasDone()) {
      CodeEvent next = events.poll(10, TimeUnit.SECONDS);
      assertThat(next).as("the cell ends after an interrupt: " + rest).isNotNull();
      rest.add(next);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(2));
    assertThat(error(rest).getName()).isEqualTo("KeyboardInterrupt");
    assertThat(main(run(alice, aliceBox, "kept"))).isEqualTo("'yes'");
  }

  @Test
  void aKernelKilledFromInsideIsReportedAndARestartKeepsTheIdButNotTheState() {
    Channel alice = api.as(ALICE);
    RunCodeRequest.Builder inOwn = RunCodeRequest.newBuilder().setSandboxId(aliceBox);
    String context =
        Api.call(
                alice,
                Api.CREATE_CONTEXT,
                CreateContextRequest.newBuilder().setSandboxId(aliceBox).build())
            .getId();
    inOwn.setContextId(context);
    run(alice, inOwn.setCode("v = 1").build());
    assertThat(
            error(run(alice, inOwn.setCode("import os\nos.kill(os.getpid(), 9)").build()))
                .getName())
        .isEqualTo("KernelDied");
    assertThatThrownBy(() -> run(alice, inOwn.setCode("v").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).contains("restart it");
            });
    CodeContext restarted =
        Api.call(
            alice,
            Api.RESTART_CONTEXT,
            ContextRequest.newBuilder().setSandboxId(aliceBox).setContextId(context).build());
    assertThat(restarted.getId()).isEqualTo(context);
    assertThat(restarted.getAlive()).isTrue();
    assertThat(error(run(alice, inOwn.setCode("v").build())).getName()).isEqualTo("NameError");
  }

  /**
   * A kernel is a process of the sandbox, so its memory is the sandbox's: a cell that allocates
   * past the template's limit ends the call and leaves the sandbox FAILED for out of memory, as a
   * Run would, and never the host or the gateway.
   */
  @Test
  void aKernelsMemoryCountsAgainstTheSandboxsLimit() {
    Channel alice = api.as(ALICE);
    String victim = Api.create(alice, "python").getId();
    List<CodeEvent> events = new ArrayList<>();
    try {
      ClientCalls.blockingServerStreamingCall(
              alice,
              Api.RUN_CODE,
              Api.deadline(120),
              RunCodeRequest.newBuilder()
                  .setSandboxId(victim)
                  .setCode("x = bytearray(2 * 1024 * 1024 * 1024)")
                  .build())
          .forEachRemaining(events::add);
      assertThat(error(events).getName()).as(events.toString()).isEqualTo("KernelDied");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.ABORTED);
    }
    Sandbox sandbox =
        Api.call(alice, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(victim).build());
    assertThat(sandbox.getPhase()).isEqualTo(Sandbox.Phase.FAILED);
    assertThat(sandbox.getMessage()).startsWith("out of memory");
    assertThat(main(run(alice, aliceBox, "1+1"))).as("other sandboxes are unharmed").isEqualTo("2");
  }

  @Test
  void aCellsTimeoutIsHeldToMaxExecSeconds() {
    assertThatThrownBy(
            () ->
                run(
                    api.as(ALICE),
                    RunCodeRequest.newBuilder()
                        .setSandboxId(aliceBox)
                        .setCode("1")
                        .setTimeoutSeconds(31)
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription())
                  .contains("timeout_seconds 31 is longer than maxExecSeconds 30");
            });
  }

  @Test
  void anotherTenantCannotRunCodeInTheSandbox() {
    assertThatThrownBy(() -> run(api.as(BOB), aliceBox, "1"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void policiesSeeEveryCell() {
    assertThatThrownBy(() -> run(api.as(ALICE), aliceBox, "import os\nos.system('sh')"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription()).contains("cells may not start shells");
            });
  }
}
