package dev.bastion.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxResponse;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.FileEvent;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.FilesGrpcService;
import dev.bastion.api.v1.ProcessesGrpcService;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.SandboxesGrpcService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bastion bench} end to end against a stand-in for the gateway (a Vert.x gRPC server on
 * loopback that answers like Bastion without sandboxes): what each kind of call sends, how many
 * calls are made, and what the report says. No assertion is on how fast anything is.
 */
class BenchDriverTest {

  private static final String TOKEN = "test-token";

  private static Vertx vertx;
  private static HttpServer server;
  private static GrpcServer standIn;
  private static final List<RunCall> runs = new CopyOnWriteArrayList<>();
  private static final List<Integer> clientMessages = new CopyOnWriteArrayList<>();
  private static final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
  private static final Set<String> sandboxes = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger created = new AtomicInteger();
  private static final AtomicInteger inFlight = new AtomicInteger();
  private static final AtomicInteger mostInFlight = new AtomicInteger();

  /** What the stand-in saw of one Run. */
  record RunCall(String sandboxId, String authorization, String request, int port) {}

  @BeforeAll
  static void startStandIn() {
    vertx = Vertx.vertx();
    GrpcServer grpc = GrpcServer.server(vertx);
    standIn = grpc;
    grpc.callHandler(
        ProcessesGrpcService.Run,
        call ->
            call.handler(
                run -> {
                  connections.add(call.connection());
                  runs.add(
                      new RunCall(
                          run.getSandboxId(),
                          call.headers().get("authorization"),
                          call.headers().get("x-request"),
                          call.connection().localAddress().port()));
                  // Only the test that sets x-request looks at concurrency.
                  boolean counted = call.headers().contains("x-request");
                  if (counted) {
                    mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                  }
                  long hold =
                      run.getArgvCount() == 2 && run.getArgv(0).equals("sleep")
                          ? Long.parseLong(run.getArgv(1))
                          : 5;
                  vertx.setTimer(
                      hold,
                      timer -> {
                        if (counted) {
                          inFlight.decrementAndGet();
                        }
                        if (run.getSandboxId().equals("gone")) {
                          // As the gateway relays sandboxd: headers at once, the error in the
                          // trailers.
                          call.response().writeHead();
                          call.response()
                              .status(GrpcStatus.UNAVAILABLE)
                              .statusMessage("sandbox gone stopped")
                              .end();
                        } else if (run.getSandboxId().equals("missing")) {
                          call.response()
                              .status(GrpcStatus.NOT_FOUND)
                              .statusMessage("sandbox missing not found")
                              .end();
                        } else {
                          call.response().end(RunResult.newBuilder().setExitCode(0).build());
                        }
                      });
                }));
    // Bidi: answers once the client has half-closed, like a process reading stdin to its end.
    grpc.callHandler(
        ProcessesGrpcService.Exec,
        call -> {
          List<ExecRequest> received = new ArrayList<>();
          call.handler(received::add);
          call.endHandler(
              ended -> {
                clientMessages.add(received.size());
                call.response()
                    .write(
                        ExecEvent.newBuilder().setStdout(ByteString.copyFromUtf8("hi\n")).build());
                call.response()
                    .end(
                        ExecEvent.newBuilder()
                            .setExited(Exited.newBuilder().setExitCode(0))
                            .build());
              });
        });
    grpc.callHandler(
        FilesGrpcService.Write,
        call -> {
          AtomicInteger received = new AtomicInteger();
          call.handler(message -> received.incrementAndGet());
          call.endHandler(
              ended -> {
                clientMessages.add(received.get());
                call.response().end(FileInfo.newBuilder().setSize(received.get()).build());
              });
        });
    // A stream that never ends by itself, like a Watch.
    grpc.callHandler(
        FilesGrpcService.Watch,
        call ->
            call.handler(
                watch -> {
                  long events =
                      vertx.setPeriodic(
                          5,
                          tick ->
                              call.response()
                                  .write(
                                      FileEvent.newBuilder()
                                          .setType(FileEvent.Type.MODIFIED)
                                          .setPath("a")
                                          .build()));
                  call.errorHandler(reset -> vertx.cancelTimer(events));
                  call.exceptionHandler(gone -> vertx.cancelTimer(events));
                }));
    grpc.callHandler(
        SandboxesGrpcService.Create,
        call ->
            call.handler(
                (CreateSandboxRequest create) -> {
                  String id = "sbx-" + created.incrementAndGet();
                  sandboxes.add(id);
                  call.response()
                      .end(
                          Sandbox.newBuilder()
                              .setId(id)
                              .setTemplate(create.getTemplate())
                              .setPhase(Sandbox.Phase.READY)
                              .build());
                }));
    grpc.callHandler(
        SandboxesGrpcService.Delete,
        call ->
            call.handler(
                delete -> {
                  sandboxes.remove(delete.getSandboxId());
                  call.response().end(DeleteSandboxResponse.getDefaultInstance());
                }));
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .requestHandler(grpc)
            .listen()
            .await();
  }

  @AfterAll
  static void stopStandIn() {
    vertx.close().await();
  }

  @BeforeEach
  void forget() {
    runs.clear();
    clientMessages.clear();
    connections.clear();
    mostInFlight.set(0);
  }

  /** The result of one {@code bastion bench}. */
  record Bench(int exitCode, String out, String err) {
    JsonObject report() {
      return new JsonObject(out);
    }

    Map<String, Object> statuses() {
      return report().getJsonObject("statusCodeDistribution").getMap();
    }
  }

  private static Bench bench(String... args) {
    return benchAt(List.of("127.0.0.1:" + server.actualPort()), args);
  }

  private static Bench benchAt(List<String> targets, String... args) {
    BenchCommand command = new BenchCommand();
    command.env = Map.of("BASTION_TOKEN", TOKEN)::get;
    CommandLine cli = new CommandLine(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(targets);
    int exitCode = cli.execute(all.toArray(String[]::new));
    return new Bench(exitCode, out.toString(), err.toString());
  }

  @Test
  void makesExactlyTotalCallsWithConcurrencyWorkersOverTheConnections() {
    Bench bench =
        bench(
            "--call", "bastion.v1.Processes/Run",
            "-d", "{\"sandbox_id\":\"s\",\"argv\":[\"sleep\",\"20\"]}",
            "-m", "{\"x-request\":\"{{.RequestNumber}}\"}",
            "-n", "37",
            "-c", "5",
            "--connections", "2",
            "-O", "json");

    assertThat(bench.exitCode()).as(bench.err()).isZero();
    assertThat(bench.report().getLong("count")).isEqualTo(37);
    assertThat(bench.statuses()).containsExactly(Map.entry("OK", 37));
    assertThat(bench.report().getString("endReason")).isEqualTo("normal");
    assertThat(runs).hasSize(37);
    assertThat(runs)
        .extracting(RunCall::request)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 37).mapToObj(Integer::toString).toList());
    assertThat(runs).extracting(RunCall::authorization).containsOnly("Bearer " + TOKEN);
    assertThat(mostInFlight.get()).isBetween(1, 5);
    assertThat(connections).hasSize(2);
  }

  @Test
  void callsTakeTurnsOverSeveralTargets() {
    HttpServer second =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .requestHandler(standIn)
            .listen()
            .await();
    try {
      Bench bench =
          benchAt(
              List.of("127.0.0.1:" + server.actualPort(), "127.0.0.1:" + second.actualPort()),
              "--call",
              "bastion.v1.Processes/Run",
              "-d",
              "{\"sandbox_id\":\"s\",\"argv\":[\"true\"]}",
              "-m",
              "{\"x-request\":\"{{.RequestNumber}}\"}",
              "-n",
              "20",
              "-c",
              "3",
              "-O",
              "json");

      assertThat(bench.exitCode()).as(bench.err()).isZero();
      assertThat(bench.statuses()).containsExactly(Map.entry("OK", 20));
      assertThat(runs).hasSize(20);
      for (RunCall run : runs) {
        int expected =
            Integer.parseInt(run.request()) % 2 == 0 ? server.actualPort() : second.actualPort();
        assertThat(run.port()).as("call %s", run.request()).isEqualTo(expected);
      }
    } finally {
      second.close().await();
    }
  }

  @Test
  void aClientStreamSendsItsMessagesAndTheCountCyclesThroughThem() {
    String data = "[{\"header\":{\"path\":\"f-{{.RequestNumber}}\"}},{\"data\":\"aGk=\"}]";

    Bench whole =
        bench("--call", "bastion.v1.Files/Write", "-d", data, "-n", "4", "-c", "2", "-O", "json");
    List<Integer> sent = List.copyOf(clientMessages);
    clientMessages.clear();
    Bench counted =
        bench(
            "--call", "bastion.v1.Files/Write",
            "-d", data,
            "-n", "3",
            "-c", "3",
            "--stream-call-count", "5",
            "--stream-interval", "1ms",
            "-O", "json");

    assertThat(whole.statuses()).containsExactly(Map.entry("OK", 4));
    assertThat(sent).containsExactly(2, 2, 2, 2);
    assertThat(counted.statuses()).containsExactly(Map.entry("OK", 3));
    assertThat(clientMessages).containsExactly(5, 5, 5);
  }

  @Test
  void aBidiCallSendsThenReadsToTheEnd() {
    Bench bench =
        bench(
            "--call", "bastion.v1.Processes/Exec",
            "-d",
                "[{\"start\":{\"argv\":[\"cat\"],\"stdin\":true}},{\"stdin\":\"aGkK\"},{\"eof\":true}]",
            "-n", "6",
            "-c", "2",
            "-O", "json");

    assertThat(bench.statuses()).containsExactly(Map.entry("OK", 6));
    assertThat(clientMessages).containsExactly(3, 3, 3, 3, 3, 3);
  }

  @Test
  void theClientEndsAServerStreamAfterItsCountOrDuration() {
    Bench counted =
        bench(
            "--call", "bastion.v1.Files/Watch",
            "-d", "{\"path\":\".\"}",
            "-n", "3",
            "-c", "3",
            "--stream-call-count", "4",
            "-O", "json");
    Bench timed =
        bench(
            "--call", "bastion.v1.Files/Watch",
            "-d", "{\"path\":\".\"}",
            "-n", "2",
            "-c", "2",
            "--stream-call-duration", "50ms",
            "-O", "json");

    assertThat(counted.statuses()).containsExactly(Map.entry("OK", 3));
    assertThat(timed.statuses()).containsExactly(Map.entry("OK", 2));
    assertThat(timed.report().getLong("fastest")).isGreaterThanOrEqualTo(50_000_000L);
  }

  @Test
  void failedCallsAreInTheReportNotTheExitCode() {
    Bench bench =
        bench(
            "--call", "bastion.v1.Processes/Run",
            "-d",
                "[{\"sandbox_id\":\"missing\"},{\"sandbox_id\":\"gone\"},"
                    + "{\"sandbox_id\":\"s\",\"argv\":[\"sleep\",\"2000\"]}]",
            "-n", "6",
            "-c", "6",
            "-t", "100ms",
            "-O", "json");

    assertThat(bench.exitCode()).isZero();
    assertThat(bench.statuses())
        .containsOnly(
            Map.entry("NotFound", 2),
            Map.entry("Unavailable", 2),
            Map.entry("DeadlineExceeded", 2));
    // The message whether it came in a trailers-only answer or in trailers after the headers.
    assertThat(bench.report().getJsonObject("errorDistribution").getMap())
        .containsOnly(
            Map.entry("rpc error: code = NotFound desc = sandbox missing not found", 2),
            Map.entry("rpc error: code = Unavailable desc = sandbox gone stopped", 2),
            Map.entry("rpc error: code = DeadlineExceeded desc = context deadline exceeded", 2));
  }

  @Test
  void sandboxesAreCreatedUsedInTurnAndDeleted() {
    Bench bench =
        bench(
            "--call", "bastion.v1.Processes/Run",
            "-d", "{\"sandbox_id\":\"{{.SandboxID}}\",\"argv\":[\"true\"]}",
            "--sandboxes", "2",
            "--template", "python",
            "-n", "10",
            "-c", "2");

    assertThat(bench.exitCode()).as(bench.err()).isZero();
    assertThat(bench.err()).contains("bench: creating 2 sandboxes from template python");
    assertThat(runs).hasSize(10);
    assertThat(runs.stream().map(RunCall::sandboxId).distinct()).hasSize(2);
    assertThat(runs.stream().filter(run -> run.sandboxId().equals(runs.getFirst().sandboxId())))
        .hasSize(5);
    assertThat(sandboxes).isEmpty();
    assertThat(bench.out())
        .startsWith("\nSummary:\n  Count:\t10\n")
        .contains("  [OK]   10 responses");
  }

  @Test
  void aDurationRunEndsWithGhzsTimeoutReason() {
    Bench bench =
        bench(
            "--call", "bastion.v1.Processes/Run",
            "-d", "{\"argv\":[\"sleep\",\"10\"]}",
            "-z", "200ms",
            "-c", "2",
            "-O", "json");

    assertThat(bench.report().getString("endReason")).isEqualTo("timeout");
    assertThat(bench.report().getLong("count")).isPositive().isEqualTo(runs.size());
    assertThat(bench.statuses()).containsOnlyKeys("OK");
  }

  @Test
  void rpsPacesTheCallsFromTheStartOfTheRun() {
    Bench bench =
        bench(
            "--call", "bastion.v1.Processes/Run",
            "-d", "{\"argv\":[\"true\"]}",
            "-n", "6",
            "-c", "6",
            "-r", "50",
            "-O", "json");

    // Call 5 may not start before 5 / 50 s: a lower bound, whatever the machine's speed.
    assertThat(bench.report().getLong("total")).isGreaterThanOrEqualTo(100_000_000L);
    assertThat(bench.report().getLong("count")).isEqualTo(6);
  }

  @Test
  void anUnreachableGatewayIsOneLineAndExitOne() {
    BenchCommand command = new BenchCommand();
    command.env = Map.<String, String>of()::get;
    CommandLine cli = new CommandLine(command);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));

    int exitCode = cli.execute("--call", "bastion.v1.Processes/Run", "127.0.0.1:1");

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: cannot reach 127.0.0.1:1: ").hasLineCount(1);
  }
}
