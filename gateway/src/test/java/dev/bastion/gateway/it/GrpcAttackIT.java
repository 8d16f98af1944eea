package dev.bastion.gateway.it;

import static dev.bastion.gateway.it.Calls.PATIENCE;
import static dev.bastion.gateway.it.Calls.assertCleanStatus;
import static dev.bastion.gateway.it.Calls.assertGatewayHealthy;
import static dev.bastion.gateway.it.Calls.withAuthorization;
import static dev.bastion.gateway.it.GatewayIT.awaitCondition;
import static dev.bastion.gateway.it.GatewayIT.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.MethodDescriptor;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.api.v1.WriteFileRequest;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the gateway's gRPC API itself: frames no gRPC library sends (lying length prefixes,
 * garbage, compression, JSON, cut frames, a rapid-reset flood), streams closed half-way, extra
 * request messages, and every RPC called without, with a wrong and with a revoked token, and on
 * another tenant's sandbox. The RPCs come from the generated service descriptors, so a new one is
 * attacked without being listed. docs/SECURITY.md lists the cases with their results.
 *
 * <p>Tenants: alice attacks; bob is another tenant; carol is a bystander whose sandbox is made
 * before any attack and checked after all of them; mallory's token was revoked (removed from the
 * tokens file, then the server restarted) after she made a sandbox.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrpcAttackIT {

  static final String ALICE = "wire-alice-token-0123456789";
  static final String BOB = "wire-bob-token-0123456789";
  static final String CAROL = "wire-carol-token-0123456789";
  static final String MALLORY = "wire-mallory-token-0123456789";

  @TempDir static Path dir;
  static BlockedThreadWarnings blocked;
  static BastionServer server;
  static Api api;
  static RawGrpc raw;
  static Channel alice;
  static Channel bob;
  static Channel carol;
  static String target;
  static String malloryBox;
  static Bystander bystander;

  @BeforeAll
  static void startServerAndBystander() throws Exception {
    SandboxHost.require();
    blocked = new BlockedThreadWarnings();
    malloryBox = revokeMalloryAfterSheMadeASandbox();
    Files.writeString(
        dir.resolve("tokens"),
        String.join("\n", ALICE + " alice", BOB + " bob", CAROL + " carol", ""));
    server = SandboxHost.start(dir.resolve("state"), dir.resolve("tokens"), 0);
    api = new Api(server.port());
    raw = new RawGrpc(server.port());
    alice = api.as(ALICE);
    bob = api.as(BOB);
    carol = api.as(CAROL);
    bystander = Bystander.make(carol);
    target = Api.create(alice, "python").getId();
  }

  /** Mallory makes a sandbox, then her token is removed and the server restarted. */
  private static String revokeMalloryAfterSheMadeASandbox() throws Exception {
    Files.writeString(dir.resolve("tokens"), MALLORY + " mallory\n");
    BastionServer first = SandboxHost.start(dir.resolve("state"), dir.resolve("tokens"), 0);
    try (Api firstApi = new Api(first.port())) {
      return Api.create(firstApi.as(MALLORY), "python").getId();
    } finally {
      first.close();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    SandboxHost.keepLogs(dir.resolve("state"), Path.of("target", "grpc-attack-logs"));
    if (api != null) {
      Api.deleteAllSandboxes(List.of(alice, carol));
      api.close();
    }
    if (raw != null) {
      raw.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
    if (blocked != null) {
      // Last, once all is cleaned up: no attack here may have held this JVM's event loops.
      blocked.closeAndAssertQuiet();
    }
  }

  // ------------------------------------------------------------- the gRPC wire

  @Test
  void aFrameClaimingTwoGibibytesIsRefusedAtOnce() throws Exception {
    for (long length : List.of(0x80000000L, 0xFFFFFFFFL)) {
      RawGrpc.Answer answer =
          raw.call(
              "bastion.v1.Sandboxes/List",
              Map.of("authorization", "Bearer " + ALICE),
              RawGrpc.frame(0, length, new byte[100]),
              PATIENCE);
      assertThat(answer.grpcStatus()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
    }
    assertGatewayHealthy(api, server.port(), alice, target);
  }

  @Test
  void aFiveMebibyteMessageIsRefusedOnEveryRpc() {
    byte[] big = new byte[5 << 20];
    for (MethodDescriptor method : Rpcs.all()) {
      ByteCalls.Outcome outcome = ByteCalls.call(alice, method, List.of(big), PATIENCE);
      assertThat(outcome.status().getCode())
          .as("%s: %s", method.getFullName(), outcome)
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
  }

  @Test
  void bytesThatAreNotProtobufGetAClearStatusOnEveryRpc() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x7f, 0x00, 0x13};
    for (MethodDescriptor method : Rpcs.all()) {
      ByteCalls.Outcome outcome = ByteCalls.call(alice, method, List.of(garbage), PATIENCE);
      assertThat(outcome.status().getCode())
          .as("%s: %s", method.getFullName(), outcome)
          .isIn(Status.Code.INVALID_ARGUMENT, Status.Code.INTERNAL);
      assertCleanStatus(outcome.status(), dir);
    }
  }

  @Test
  void aCompressedMessageInAnUnknownEncodingIsUnimplemented() throws Exception {
    RawGrpc.Answer answer =
        raw.call(
            "bastion.v1.Sandboxes/List",
            Map.of("authorization", "Bearer " + ALICE, "grpc-encoding", "snappy"),
            RawGrpc.frame(1, 3, new byte[] {1, 2, 3}),
            PATIENCE);
    assertThat(answer.grpcStatus()).isEqualTo(Status.Code.UNIMPLEMENTED.value());
  }

  @Test
  void aCompressedFlagWithoutAnEncodingGetsAStatus() throws Exception {
    RawGrpc.Answer answer =
        raw.call(
            "bastion.v1.Sandboxes/List",
            Map.of("authorization", "Bearer " + ALICE),
            RawGrpc.frame(1, 3, new byte[] {1, 2, 3}),
            PATIENCE);
    assertThat(answer.grpcStatus())
        .as("%s", answer)
        .isIn(
            Status.Code.INTERNAL.value(),
            Status.Code.INVALID_ARGUMENT.value(),
            Status.Code.UNIMPLEMENTED.value());
  }

  /**
   * 64 KiB of gzip that inflates to a 64 MiB message, sent without a token: the gateway must not
   * inflate past its 4 MiB message limit, let alone before it knows who is calling.
   */
  @Test
  void aGzipBombIsNotInflated() throws Exception {
    int size = 64 << 20;
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    // ListSandboxesRequest.label_selector (field 1, length-delimited) of 64 MiB of 'a'.
    message.write(0x0a);
    for (long v = size; ; v >>>= 7) {
      if (v < 0x80) {
        message.write((int) v);
        break;
      }
      message.write((int) (v & 0x7f) | 0x80);
    }
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write(message.toByteArray());
      byte[] chunk = new byte[1 << 20];
      Arrays.fill(chunk, (byte) 'a');
      for (int i = 0; i < size / chunk.length; i++) {
        gzip.write(chunk);
      }
    }
    byte[] bomb = compressed.toByteArray();
    assertThat(bomb.length).isLessThan(1 << 20);
    RawGrpc.Answer answer =
        raw.call(
            "bastion.v1.Sandboxes/List",
            Map.of("grpc-encoding", "gzip"),
            RawGrpc.frame(1, bomb.length, bomb),
            PATIENCE);
    assertThat(answer.grpcStatus())
        .as("UNAUTHENTICATED would mean the bomb was inflated and decoded first: %s", answer)
        .isIn(Status.Code.RESOURCE_EXHAUSTED.value(), Status.Code.UNIMPLEMENTED.value());
  }

  /** Deeply nested JSON, in the wire format the gateway's gRPC library also accepts. */
  @Test
  void deeplyNestedJsonGetsAStatus() throws Exception {
    int depth = 200_000;
    byte[] json = ("{\"labelSelector\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes();
    RawGrpc.Answer answer =
        raw.call(
            "bastion.v1.Sandboxes/List",
            "application/grpc+json",
            Map.of("authorization", "Bearer " + ALICE),
            RawGrpc.frame(json),
            PATIENCE);
    assertThat(answer.grpcStatus()).as("%s", answer).isNotIn(-1, Status.Code.OK.value());
    assertGatewayHealthy(api, server.port(), alice, target);
  }

  @Test
  void unknownMethodsAreUnimplemented() throws Exception {
    for (String method :
        List.of(
            "bastion.v1.Sandboxes/DeleteAll",
            "bastion.v1.Admin/Shutdown",
            "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo/../x")) {
      RawGrpc.Answer answer =
          raw.call(
              method,
              Map.of("authorization", "Bearer " + ALICE),
              RawGrpc.frame(new byte[0]),
              PATIENCE);
      assertThat(answer.grpcStatus()).as(method).isEqualTo(Status.Code.UNIMPLEMENTED.value());
    }
  }

  @Test
  void aFloodOfResetStreamsLeavesTheGatewayServing() throws Exception {
    raw.resetFlood("bastion.v1.Sandboxes/List", 5_000);
    assertGatewayHealthy(api, server.port(), alice, target);
  }

  // ------------------------------------------------------------- streams closed half-way, extra
  // messages

  @Test
  void aHalfCloseWithoutAnyMessageGetsAStatusOnEveryRpc() {
    for (MethodDescriptor method : Rpcs.all()) {
      ByteCalls.Outcome outcome = ByteCalls.call(alice, method, List.of(), PATIENCE);
      assertThat(outcome.answered()).as("%s: %s", method.getFullName(), outcome).isTrue();
      assertThat(outcome.status().getCode())
          .as("%s: %s", method.getFullName(), outcome)
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
  }

  @Test
  void aStreamThatEndsInTheMiddleOfAFrameGetsAStatus() throws Exception {
    RawGrpc.Answer answer =
        raw.call(
            "bastion.v1.Processes/Run",
            Map.of("authorization", "Bearer " + ALICE),
            RawGrpc.frame(0, 100, new byte[10]),
            PATIENCE);
    assertThat(answer.grpcStatus()).as("%s", answer).isNotIn(-1, Status.Code.OK.value());
  }

  /**
   * Unary and server-streaming calls take one request message; a second one is refused before the
   * first is acted on (so even Delete on alice's own sandbox does nothing).
   */
  @Test
  void aSecondRequestMessageIsRefusedOnEveryOneRequestRpc() {
    for (MethodDescriptor method : Rpcs.all()) {
      if (method.isClientStreaming()) {
        continue;
      }
      byte[] request = Rpcs.requestFor(method, target).toByteArray();
      ByteCalls.Outcome outcome =
          ByteCalls.call(alice, method, List.of(request, request), PATIENCE);
      assertThat(outcome.status().getCode())
          .as("%s: %s", method.getFullName(), outcome)
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(outcome.status().getDescription()).contains("takes exactly one request message");
    }
    Sandbox still =
        Api.call(alice, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(target).build());
    assertThat(still.getPhase()).isEqualTo(Sandbox.Phase.READY);
  }

  @Test
  void aWriteCancelledHalfWayLeavesNothing() throws Exception {
    CompletableFuture<Status> closed = new CompletableFuture<>();
    ClientCall<WriteFileRequest, dev.bastion.api.v1.FileInfo> call =
        alice.newCall(Api.WRITE, Api.deadline(60));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, io.grpc.Metadata trailers) {
            closed.complete(status);
          }
        },
        new io.grpc.Metadata());
    call.request(1);
    call.sendMessage(
        WriteFileRequest.newBuilder()
            .setHeader(WriteFileHeader.newBuilder().setSandboxId(target).setPath("half.bin"))
            .build());
    ByteString chunk = ByteString.copyFrom(new byte[1 << 20]);
    for (int i = 0; i < 8; i++) {
      call.sendMessage(WriteFileRequest.newBuilder().setData(chunk).build());
    }
    awaitCondition(
        () -> !listWorkspace().filter(n -> n.startsWith(".bastion-upload-")).toList().isEmpty(),
        "the upload's temp file exists");
    call.cancel("the agent disconnects mid-write", null);
    assertThat(closed.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    awaitCondition(
        () -> listWorkspace().noneMatch(n -> n.startsWith(".bastion-upload-")),
        "the temp file is removed");
    assertThat(listWorkspace().toList()).doesNotContain("half.bin");
  }

  private static Stream<String> listWorkspace() {
    return Arrays.stream(
        Api.run(alice, target, "python3", "-c", "import os; print('\\n'.join(os.listdir('.')))")
            .getStdout()
            .toStringUtf8()
            .split("\n"));
  }

  @Test
  void anExecCancelledWhileStreamingStdinKillsItsProcess() throws Exception {
    ExecRecorder recorder = new ExecRecorder();
    ClientCall<ExecRequest, ExecEvent> call = alice.newCall(Api.EXEC, Api.deadline(60));
    StreamObserver<ExecRequest> requests = ClientCalls.asyncBidiStreamingCall(call, recorder);
    ExecStart.Builder start =
        start(target, "sh", "-c", "echo $$ > /workspace/stdin.pid; echo go; cat > /dev/null")
            .getStart()
            .toBuilder()
            .setStdin(true);
    requests.onNext(ExecRequest.newBuilder().setStart(start).build());
    awaitCondition(() -> recorder.stdout().contains("go"), "the process started");
    ByteString chunk = ByteString.copyFrom(new byte[64 << 10]);
    for (int i = 0; i < 32; i++) {
      requests.onNext(ExecRequest.newBuilder().setStdin(chunk).build());
    }
    call.cancel("the agent disconnects mid-stdin", null);
    awaitCondition(
        () ->
            Api.run(alice, target, "sh", "-c", "kill -0 $(cat /workspace/stdin.pid)").getExitCode()
                != 0,
        "the cancelled process is gone");
  }

  // ------------------------------------------------------------- who is calling

  @Test
  void noTokenIsUnauthenticatedOnEveryRpc() {
    assertUnauthenticatedEverywhere(api.as(null), target);
  }

  /**
   * A call that sends its headers and then nothing: without a token it is answered from the headers
   * alone, before any message is read, so holding such streams open costs the gateway nothing.
   */
  @Test
  void aCallWithoutATokenIsRefusedFromItsHeadersBeforeAnyMessage() throws Exception {
    for (String method :
        List.of(
            "bastion.v1.Sandboxes/Create", "bastion.v1.Processes/Exec", "bastion.v1.Files/Write")) {
      RawGrpc.Answer answer = raw.headersOnly(method, Map.of(), PATIENCE);
      assertThat(answer.grpcStatus())
          .as("%s: %s", method, answer)
          .isEqualTo(Status.Code.UNAUTHENTICATED.value());
      assertThat(answer.grpcMessage()).startsWith("missing or unknown bearer token");
    }
    RawGrpc.Answer wrong =
        raw.headersOnly(
            "bastion.v1.Processes/Run", Map.of("authorization", "Bearer not-a-token"), PATIENCE);
    assertThat(wrong.grpcStatus()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
  }

  @Test
  void wrongTokensAreUnauthenticatedOnEveryRpc() {
    for (String authorization :
        List.of(
            "Bearer wrong-token-0123456789",
            "Bearer " + ALICE + "x",
            "Bearer " + ALICE.substring(1),
            "Basic " + ALICE,
            "Bearer",
            "Bearer " + "a".repeat(2000),
            ALICE)) {
      assertUnauthenticatedEverywhere(withAuthorization(api, authorization), target);
    }
  }

  @Test
  void aRevokedTenantsTokenIsUnauthenticatedOnEveryRpc() {
    assertUnauthenticatedEverywhere(api.as(MALLORY), malloryBox);
  }

  @Test
  void anotherTenantsSandboxIsIndistinguishableFromNoneOnEveryRpc() {
    String unknown = "sbx-000000000000";
    for (MethodDescriptor method : Rpcs.onASandbox()) {
      ByteCalls.Outcome foreign =
          ByteCalls.call(
              bob, method, List.of(Rpcs.requestFor(method, target).toByteArray()), PATIENCE);
      ByteCalls.Outcome none =
          ByteCalls.call(
              bob, method, List.of(Rpcs.requestFor(method, unknown).toByteArray()), PATIENCE);
      assertThat(foreign.status().getCode())
          .as("%s: %s", method.getFullName(), foreign)
          .isEqualTo(Status.Code.NOT_FOUND);
      assertThat(foreign.status().getDescription().replace(target, "ID"))
          .as(method.getFullName())
          .isEqualTo(none.status().getDescription().replace(unknown, "ID"));
      assertThat(none.status().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }
    Sandbox still =
        Api.call(alice, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(target).build());
    assertThat(still.getPhase()).isEqualTo(Sandbox.Phase.READY);
    assertThat(Api.run(alice, target, "true").getExitCode()).isZero();
  }

  // ------------------------------------------------------------- afterwards

  @Test
  @Order(Integer.MAX_VALUE)
  void afterTheAttacksTheGatewayIsHealthyAndTheBystanderUnharmed() throws Exception {
    assertGatewayHealthy(api, server.port(), alice, target);
    assertThat(Api.run(alice, target, "python3", "-c", "print(6*7)").getStdout().toStringUtf8())
        .isEqualTo("42\n");
    bystander.assertUnharmed(carol);
  }

  private static void assertUnauthenticatedEverywhere(Channel channel, String sandbox) {
    for (MethodDescriptor method : Rpcs.all()) {
      ByteCalls.Outcome outcome =
          ByteCalls.call(
              channel, method, List.of(Rpcs.requestFor(method, sandbox).toByteArray()), PATIENCE);
      assertThat(outcome.status().getCode())
          .as("%s: %s", method.getFullName(), outcome)
          .isEqualTo(Status.Code.UNAUTHENTICATED);
    }
  }
}
