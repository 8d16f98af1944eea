package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.ListSandboxesRequest;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.gateway.Main;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The smoke version of {@code bastion bench}: the real CLI in-process against a real embedded
 * server and gVisor sandboxes, one run per kind of call, a few seconds each. It fails on any failed
 * call or wrong count, never on a timing.
 */
class BenchSmokeIT {

  static final String TOKEN = "bench-token-0123456789";
  static final String METADATA = "{\"authorization\":\"Bearer " + TOKEN + "\"}";

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static Channel caller;
  static int port;
  static String sandbox;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, TOKEN + " bench\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 0);
    port = server.port();
    api = new Api(port);
    caller = api.as(TOKEN);
    // The streaming runs share one sandbox made here, so they can read what others wrote.
    sandbox =
        Api.call(
                caller, Api.CREATE, CreateSandboxRequest.newBuilder().setTemplate("python").build())
            .getId();
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      Api.deleteAllSandboxes(List.of(caller));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  static List<Sandbox> sandboxes() {
    return Api.call(caller, Api.LIST, ListSandboxesRequest.getDefaultInstance()).getSandboxesList();
  }

  /** Runs {@code bastion bench ARGS -m METADATA -O json 127.0.0.1:PORT}; returns its report. */
  static JsonObject bench(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("bench"));
    all.addAll(List.of(args));
    all.addAll(List.of("-m", METADATA, "-O", "json", "127.0.0.1:" + port));
    int exit = cli.execute(all.toArray(String[]::new));
    assertThat(exit).as("bastion bench %s: %s", String.join(" ", args), err).isZero();
    JsonObject report = new JsonObject(out.toString());
    assertThat(report.getJsonObject("errorDistribution").getMap())
        .as("errors of %s", String.join(" ", args))
        .isEmpty();
    return report;
  }

  static void assertAllOk(JsonObject report, long count) {
    assertThat(report.getLong("count")).isEqualTo(count);
    assertThat(report.getJsonObject("statusCodeDistribution").getMap())
        .containsExactly(Map.entry("OK", (int) count));
    assertThat(report.getString("endReason")).isEqualTo("normal");
  }

  @Test
  void unaryRunOnSandboxesOfItsOwn() {
    JsonObject report =
        bench(
            "--call", "bastion.v1.Processes/Run",
            "--sandboxes", "1",
            "-c", "4",
            "-n", "40",
            "-d", "{\"sandbox_id\":\"{{.SandboxID}}\",\"argv\":[\"true\"]}");

    assertAllOk(report, 40);
    // Its sandbox is gone; the shared one is untouched.
    assertThat(sandboxes()).extracting(Sandbox::getId).containsExactly(sandbox);
  }

  @Test
  void bidiExecWithStdin() {
    JsonObject report =
        bench(
            "--call",
            "bastion.v1.Processes/Exec",
            "-c",
            "2",
            "-n",
            "10",
            "-d",
            "[{\"start\":{\"sandbox_id\":\""
                + sandbox
                + "\",\"argv\":[\"cat\"],\"stdin\":true}},"
                + "{\"stdin\":\"aGVsbG8K\"},{\"eof\":true}]");

    assertAllOk(report, 10);
  }

  @Test
  void clientStreamWriteThenServerStreamRead() {
    String file = "{\"sandbox_id\":\"" + sandbox + "\",\"path\":\"bench-{{.RequestNumber}}.txt\"}";

    JsonObject written =
        bench(
            "--call", "bastion.v1.Files/Write",
            "-c", "2",
            "-n", "10",
            "-d", "[{\"header\":" + file + "},{\"data\":\"aGVsbG8K\"},{\"data\":\"d29ybGQK\"}]");
    JsonObject read = bench("--call", "bastion.v1.Files/Read", "-c", "2", "-n", "10", "-d", file);

    assertAllOk(written, 10);
    assertAllOk(read, 10);
  }

  @Test
  void serverStreamWatchEndedByTheClient() {
    JsonObject report =
        bench(
            "--call", "bastion.v1.Files/Watch",
            "-c", "2",
            "-n", "2",
            "--stream-call-duration", "300ms",
            "-d", "{\"sandbox_id\":\"" + sandbox + "\",\"path\":\".\"}");

    assertAllOk(report, 2);
  }
}
