package dev.bastion.sandboxd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bastion.api.v1.CodeContext;
import dev.bastion.api.v1.CodeEvent;
import dev.bastion.api.v1.ContextRequest;
import dev.bastion.api.v1.ContextsGrpcClient;
import dev.bastion.api.v1.CreateContextRequest;
import dev.bastion.api.v1.ListContextsRequest;
import dev.bastion.api.v1.RunCodeRequest;
import dev.bastion.sandboxd.GrpcTestClient.Outcome;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code contexts against a real Jupyter kernel (Debian's python3-ipykernel on the host): the
 * protocol, state, rich results, interrupts, restarts and a kernel that dies. Under gVisor the same
 * service runs in every sandbox.
 */
class ContextsIT {

  @TempDir static Path temp;
  static SandboxdServer server;
  static GrpcTestClient client;
  static Path workspace;

  @BeforeAll
  static void startServer() throws Exception {
    boolean kernel = Files.isRegularFile(Path.of("/usr/share/jupyter/kernels/python3/kernel.json"));
    if (!kernel && System.getenv("CI") != null) {
      throw new AssertionError("CI must install python3-ipykernel (./bastion test does)");
    }
    assumeTrue(kernel, "SKIPPED: python3-ipykernel is not installed; ./bastion test installs it");
    workspace = Files.createDirectory(temp.resolve("workspace"));
    Path socket = temp.resolve("run/sandboxd.sock");
    server =
        LocalSandboxd.start(
            "--socket",
            socket.toString(),
            "--workspace",
            workspace.toString(),
            "--default-timeout-seconds",
            "60",
            "--max-timeout-seconds",
            "60");
    client = new GrpcTestClient(socket);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (client != null) {
      client.close();
      LocalSandboxd.stop(server);
    }
  }

  // Each test's contexts go after it: a sandbox holds only ContextService.MAX_CONTEXTS.
  private final List<String> made = new ArrayList<>();

  @AfterEach
  void deleteContexts() throws Exception {
    for (String id : made) {
      client.call(ContextsGrpcClient.Delete, ContextRequest.newBuilder().setContextId(id).build());
    }
  }

  private CodeContext create() throws Exception {
    CodeContext context =
        client
            .call(
                ContextsGrpcClient.Create,
                CreateContextRequest.newBuilder().setSandboxId("s").build())
            .single();
    assertThat(context.getSandboxId()).isEqualTo("s");
    made.add(context.getId());
    return context;
  }

  private static List<CodeEvent> run(String context, String code, long timeoutSeconds)
      throws Exception {
    Outcome<CodeEvent> outcome =
        client.call(
            ContextsGrpcClient.RunCode,
            RunCodeRequest.newBuilder()
                .setSandboxId("s")
                .setContextId(context)
                .setCode(code)
                .setTimeoutSeconds(timeoutSeconds)
                .build());
    assertThat(outcome.status()).as(outcome.message()).isEqualTo(GrpcStatus.OK);
    List<CodeEvent> events = outcome.messages();
    assertThat(events.getLast().hasDone()).as("done is last: " + events).isTrue();
    return events;
  }

  private static String mainResult(List<CodeEvent> events) {
    return events.stream()
        .filter(e -> e.hasResult() && e.getResult().getIsMainResult())
        .map(e -> e.getResult().getDataMap().get("text/plain"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result in " + events));
  }

  private static String stdout(List<CodeEvent> events) {
    return events.stream()
        .filter(CodeEvent::hasStdout)
        .map(CodeEvent::getStdout)
        .collect(Collectors.joining());
  }

  @Test
  void stateCarriesFromCellToCellAndTheLastExpressionIsTheResult() throws Exception {
    String context = create().getId();
    List<CodeEvent> first = run(context, "import math\nx = 41\nprint('set')", 30);
    assertThat(stdout(first)).isEqualTo("set\n");
    List<CodeEvent> second = run(context, "x + 1", 30);
    assertThat(mainResult(second)).isEqualTo("42");
    assertThat(second.getLast().getDone().getExecutionCount()).isEqualTo(2);
  }

  @Test
  void anExceptionComesBackWithItsNameAndTraceback() throws Exception {
    List<CodeEvent> events = run(create().getId(), "1/0", 30);
    CodeEvent error = events.stream().filter(CodeEvent::hasError).findFirst().orElseThrow();
    assertThat(error.getError().getName()).isEqualTo("ZeroDivisionError");
    assertThat(error.getError().getValue()).isEqualTo("division by zero");
    assertThat(error.getError().getTracebackList()).isNotEmpty();
  }

  @Test
  void aFigureIsAPngAndADataFrameIsHtml() throws Exception {
    String context = create().getId();
    List<CodeEvent> figure =
        run(
            context,
            "import matplotlib\nmatplotlib.use('module://matplotlib_inline.backend_inline')\n"
                + "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
            60);
    String png =
        figure.stream()
            .filter(e -> e.hasResult() && e.getResult().getDataMap().containsKey("image/png"))
            .map(e -> e.getResult().getDataMap().get("image/png"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no image/png in " + figure));
    byte[] bytes = Base64.getMimeDecoder().decode(png);
    assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');

    List<CodeEvent> table = run(context, "import pandas as pd\npd.DataFrame({'a': [1, 2]})", 60);
    CodeEvent result =
        table.stream()
            .filter(e -> e.hasResult() && e.getResult().getIsMainResult())
            .findFirst()
            .orElseThrow();
    assertThat(result.getResult().getDataMap().get("text/html")).contains("<table");
  }

  @Test
  void anInterruptStopsARunawayCellAndKeepsTheState() throws Exception {
    String context = create().getId();
    run(context, "kept = 'yes'", 30);
    long start = System.nanoTime();
    List<CodeEvent> loop = run(context, "while True: pass", 1);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    assertThat(loop.getLast().getDone().getTimedOut()).isTrue();
    assertThat(
            loop.stream()
                .filter(CodeEvent::hasError)
                .findFirst()
                .orElseThrow()
                .getError()
                .getName())
        .isEqualTo("KeyboardInterrupt");
    assertThat(mainResult(run(context, "kept", 30))).isEqualTo("'yes'");
  }

  @Test
  void restartGivesAFreshKernelWithTheSameIdEnvironmentAndDirectory() throws Exception {
    Files.createDirectories(workspace.resolve("project"));
    CodeContext made =
        client
            .call(
                ContextsGrpcClient.Create,
                CreateContextRequest.newBuilder()
                    .setSandboxId("s")
                    .setCwd("project")
                    .putEnv("STAGE", "test")
                    .build())
            .single();
    this.made.add(made.getId());
    run(made.getId(), "v = 1", 30);

    CodeContext restarted =
        client
            .call(
                ContextsGrpcClient.Restart,
                ContextRequest.newBuilder().setSandboxId("s").setContextId(made.getId()).build())
            .single();
    assertThat(restarted.getId()).isEqualTo(made.getId());
    assertThat(restarted.getCwd()).isEqualTo(made.getCwd()).isEqualTo("project");
    assertThat(restarted.getAlive()).isTrue();
    List<CodeEvent> fresh =
        run(made.getId(), "import os\nprint(os.getcwd(), os.environ['STAGE'])\nv", 30);
    assertThat(stdout(fresh)).isEqualTo(workspace.resolve("project") + " test\n");
    assertThat(fresh.stream().filter(CodeEvent::hasError).findFirst().orElseThrow())
        .extracting(e -> e.getError().getName())
        .isEqualTo("NameError");
  }

  @Test
  void restartGivesAFreshKernelAndContextsAreIndependent() throws Exception {
    String one = create().getId();
    String two = create().getId();
    run(one, "v = 1", 30);
    run(two, "v = 2", 30);
    assertThat(mainResult(run(one, "v", 30))).isEqualTo("1");
    assertThat(mainResult(run(two, "v", 30))).isEqualTo("2");

    CodeContext restarted =
        client
            .call(
                ContextsGrpcClient.Restart,
                ContextRequest.newBuilder().setSandboxId("s").setContextId(one).build())
            .single();
    List<CodeEvent> fresh = run(restarted.getId(), "v", 30);
    assertThat(
            fresh.stream()
                .filter(CodeEvent::hasError)
                .findFirst()
                .orElseThrow()
                .getError()
                .getName())
        .isEqualTo("NameError");
  }

  @Test
  void aKernelKilledFromOutsideIsReportedUntilRestarted() throws Exception {
    String context = create().getId();
    List<CodeEvent> killed =
        run(context, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", 30);
    assertThat(
            killed.stream()
                .filter(CodeEvent::hasError)
                .findFirst()
                .orElseThrow()
                .getError()
                .getName())
        .isEqualTo("KernelDied");
    List<CodeContext> listed =
        client
            .call(
                ContextsGrpcClient.List, ListContextsRequest.newBuilder().setSandboxId("s").build())
            .single()
            .getContextsList();
    assertThat(
            listed.stream()
                .filter(c -> c.getId().equals(context))
                .findFirst()
                .orElseThrow()
                .getAlive())
        .isFalse();
    Outcome<CodeEvent> after =
        client.call(
            ContextsGrpcClient.RunCode,
            RunCodeRequest.newBuilder().setContextId(context).setCode("1").build());
    assertThat(after.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    assertThat(after.message()).contains("died").contains("restart it");
  }

  @Test
  void withoutAContextIdTheSandboxsDefaultContextKeepsState() throws Exception {
    Outcome<CodeEvent> set =
        client.call(
            ContextsGrpcClient.RunCode,
            RunCodeRequest.newBuilder().setCode("d = 'default'").build());
    assertThat(set.status()).as(set.message()).isEqualTo(GrpcStatus.OK);
    Outcome<CodeEvent> get =
        client.call(ContextsGrpcClient.RunCode, RunCodeRequest.newBuilder().setCode("d").build());
    assertThat(mainResult(get.messages())).isEqualTo("'default'");
    String used = get.messages().getLast().getDone().getContextId();
    made.add(used);
    assertThat(used).isEqualTo(set.messages().getLast().getDone().getContextId());
    assertThat(
            client
                .call(ContextsGrpcClient.List, ListContextsRequest.getDefaultInstance())
                .single()
                .getContextsList())
        .extracting(CodeContext::getId)
        .contains(used);
  }

  @Test
  void anExceptionPastTheCapKeepsItsNameAndDropsItsText() throws Exception {
    List<CodeEvent> events = run(create().getId(), "raise ValueError('x' * (2 << 20))", 60);
    assertThat(events.stream().filter(CodeEvent::hasError).findFirst().orElseThrow().getError())
        .satisfies(
            error -> {
              assertThat(error.getName()).isEqualTo("ValueError");
              assertThat(error.getValue()).isEmpty();
              assertThat(error.getTracebackList()).isEmpty();
            });
    assertThat(events.getLast().getDone().getTruncated()).isTrue();
  }

  @Test
  void outputPastTheCapIsDroppedAndSaidSo() throws Exception {
    List<CodeEvent> events = run(create().getId(), "print('x' * (2 << 20))\nprint('after')", 60);
    assertThat(events.getLast().getDone().getTruncated()).isTrue();
    assertThat(stdout(events).length()).isLessThanOrEqualTo(1 << 20);
  }

  @Test
  void aSandboxHoldsAtMostEightContexts() throws Exception {
    while (true) {
      Outcome<CodeContext> created =
          client.call(ContextsGrpcClient.Create, CreateContextRequest.newBuilder().build());
      if (created.status() != GrpcStatus.OK) {
        assertThat(created.status()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
        assertThat(created.message()).contains("at most " + ContextService.MAX_CONTEXTS);
        break;
      }
      made.add(created.single().getId());
      assertThat(made).hasSizeLessThanOrEqualTo(ContextService.MAX_CONTEXTS);
    }
    assertThat(
            client
                .call(ContextsGrpcClient.List, ListContextsRequest.getDefaultInstance())
                .single()
                .getContextsCount())
        .isEqualTo(ContextService.MAX_CONTEXTS);
  }
}
