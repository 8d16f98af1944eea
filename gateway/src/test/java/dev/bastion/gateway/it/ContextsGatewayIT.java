package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.api.v1.CodeEvent;
import dev.bastion.api.v1.RunCodeRequest;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code contexts through the gateway into real gVisor sandboxes, whose default image carries
 * python3-ipykernel: state between cells, rich results, tenancy and policy as for every call.
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

  private static List<CodeEvent> run(Channel as, String sandbox, String code) {
    List<CodeEvent> events = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(
            as,
            Api.RUN_CODE,
            Api.deadline(120),
            RunCodeRequest.newBuilder()
                .setSandboxId(sandbox)
                .setCode(code)
                .setTimeoutSeconds(60)
                .build())
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
