package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ConnectRequest;
import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxRequest;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FileEvent;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.ListProcessesRequest;
import dev.bastion.api.v1.ListSandboxesRequest;
import dev.bastion.api.v1.ProcessInfo;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.RemoveFileRequest;
import dev.bastion.api.v1.ResumeSandboxRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.SignalRequest;
import dev.bastion.api.v1.SuspendSandboxRequest;
import dev.bastion.api.v1.WatchFilesRequest;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.api.v1.WriteFileRequest;
import dev.bastion.gateway.server.BastionServer;
import dev.bastion.gateway.server.ServerConfig;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway end to end: real gVisor sandboxes, real gRPC over a real socket, driven by grpc-java
 * (not the gateway's own gRPC library).
 */
class GatewayIT {

  static final String ALICE = "alice-token-0123456789";
  static final String BOB = "bob-token-0123456789abc";

  @TempDir static Path stateDir;
  static BastionServer server;
  static Api api;
  static Channel alice;
  static Channel bob;
  static String shared;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = stateDir.resolve("tokens.txt");
    Files.writeString(tokens, ALICE + " alice\n" + BOB + " bob\n");
    server = SandboxHost.start(stateDir.resolve("state"), tokens, 2);
    api = new Api(server.port());
    alice = api.as(ALICE);
    bob = api.as(BOB);
    shared = create(alice).getId();
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null && shared != null) {
      Api.deleteAllSandboxes(List.of(alice));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(stateDir.resolve("state"));
  }

  static Sandbox create(Channel as) {
    return Api.create(as, "python");
  }

  static RunResult run(String sandbox, String... argv) {
    return Api.run(alice, sandbox, argv);
  }

  @Test
  void createdSandboxIsReadyOnGvisor() {
    Sandbox sandbox =
        Api.call(alice, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(shared).build());
    assertThat(sandbox.getPhase()).isEqualTo(Sandbox.Phase.READY);
    assertThat(sandbox.getRuntime()).isEqualTo("gvisor");
    assertThat(sandbox.getLaunchType()).isEqualTo("cold");
    assertThat(sandbox.getShutdownTime().getSeconds())
        .isGreaterThan(sandbox.getCreatedAt().getSeconds());
  }

  @Test
  void pythonRunsAsAnUnprivilegedUser() {
    RunResult result =
        run(shared, "python3", "-c", "import os; print(6*7, os.getuid(), os.getcwd())");
    assertThat(result.getExitCode()).isZero();
    assertThat(result.getStdout().toStringUtf8()).isEqualTo("42 1000 /workspace\n");
  }

  @Test
  void exitCodesAndStderrComeBack() {
    RunResult result = run(shared, "sh", "-c", "echo oops >&2; exit 7");
    assertThat(result.getExitCode()).isEqualTo(7);
    assertThat(result.getStderr().toStringUtf8()).isEqualTo("oops\n");
  }

  @Test
  void outputStreamsIncrementallyAndInOrder() throws Exception {
    ExecRecorder recorder = new ExecRecorder();
    StreamObserver<ExecRequest> requests = exec(alice, recorder);
    requests.onNext(
        start(
            shared,
            "python3",
            "-u",
            "-c",
            "import time\nfor i in range(5):\n    print(i, flush=True)\n    time.sleep(0.3)"));
    requests.onCompleted();
    recorder.await(60);
    assertThat(recorder.events().get(0).hasStarted()).isTrue();
    assertThat(recorder.stdout()).isEqualTo("0\n1\n2\n3\n4\n");
    List<ExecRecorder.Arrival> chunks =
        recorder.arrivals.stream().filter(a -> a.event().hasStdout()).toList();
    assertThat(chunks.size())
        .as("lines arrive as they are printed, not at the end")
        .isGreaterThanOrEqualTo(3);
    long spreadMillis = (chunks.get(chunks.size() - 1).nanos() - chunks.get(0).nanos()) / 1_000_000;
    assertThat(spreadMillis).isGreaterThan(600);
    ExecEvent last = recorder.last();
    assertThat(last.hasExited()).isTrue();
    assertThat(last.getExited().getExitCode()).isZero();
  }

  @Test
  void stdinRoundTrips() throws Exception {
    ExecRecorder recorder = new ExecRecorder();
    StreamObserver<ExecRequest> requests = exec(alice, recorder);
    ExecStart.Builder start = start(shared, "cat").getStart().toBuilder().setStdin(true);
    requests.onNext(ExecRequest.newBuilder().setStart(start).build());
    requests.onNext(ExecRequest.newBuilder().setStdin(ByteString.copyFromUtf8("hello ")).build());
    requests.onNext(
        ExecRequest.newBuilder().setStdin(ByteString.copyFromUtf8("sandbox\n")).build());
    requests.onNext(ExecRequest.newBuilder().setEof(true).build());
    requests.onCompleted();
    recorder.await(60);
    assertThat(recorder.stdout()).isEqualTo("hello sandbox\n");
    assertThat(recorder.last().getExited().getExitCode()).isZero();
  }

  @Test
  void timeoutKillsTheWholeProcessGroup() throws Exception {
    ExecRecorder recorder = new ExecRecorder();
    StreamObserver<ExecRequest> requests = exec(alice, recorder);
    ExecStart.Builder start =
        start(shared, "sh", "-c", "sleep 300 & echo $! > /workspace/child.pid; sleep 300")
            .getStart()
            .toBuilder()
            .setTimeoutSeconds(2);
    requests.onNext(ExecRequest.newBuilder().setStart(start).build());
    requests.onCompleted();
    recorder.await(60);
    assertThat(recorder.last().getExited().getTimedOut()).isTrue();
    RunResult child = run(shared, "sh", "-c", "kill -0 $(cat /workspace/child.pid)");
    assertThat(child.getExitCode()).as("the background child died with its group").isNotZero();
  }

  @Test
  void outputBeyondTheCapIsCutAndReported() throws Exception {
    ExecRecorder recorder = new ExecRecorder();
    StreamObserver<ExecRequest> requests = exec(alice, recorder);
    ExecStart.Builder start =
        start(shared, "python3", "-c", "print('x' * 100000)").getStart().toBuilder()
            .setMaxOutputBytes(1000);
    requests.onNext(ExecRequest.newBuilder().setStart(start).build());
    requests.onCompleted();
    recorder.await(60);
    assertThat(recorder.stdout()).hasSize(1000);
    assertThat(recorder.last().getExited().getTruncated()).isTrue();
    assertThat(recorder.last().getExited().getExitCode()).isZero();
  }

  @Test
  void cancellingAnExecKillsItsProcess() throws Exception {
    ExecRecorder recorder = new ExecRecorder();
    ClientCall<ExecRequest, ExecEvent> call = alice.newCall(Api.EXEC, Api.deadline(60));
    StreamObserver<ExecRequest> requests = ClientCalls.asyncBidiStreamingCall(call, recorder);
    requests.onNext(
        start(shared, "sh", "-c", "echo $$ > /workspace/cancel.pid; echo go; sleep 300"));
    awaitCondition(() -> recorder.stdout().contains("go"), "the process started");
    call.cancel("test cancels", null);
    awaitCondition(
        () -> run(shared, "sh", "-c", "kill -0 $(cat /workspace/cancel.pid)").getExitCode() != 0,
        "the cancelled process is gone");
  }

  @Test
  void aTaggedProcessOutlivesItsCallAndConnectReplaysItsOutput() throws Exception {
    ExecRecorder first = new ExecRecorder();
    ClientCall<ExecRequest, ExecEvent> call = alice.newCall(Api.EXEC, Api.deadline(60));
    StreamObserver<ExecRequest> requests = ClientCalls.asyncBidiStreamingCall(call, first);
    ExecStart.Builder tagged =
        start(shared, "sh", "-c", "echo before; read line; echo after $line").getStart().toBuilder()
            .setTag("job-1")
            .setStdin(true);
    requests.onNext(ExecRequest.newBuilder().setStart(tagged).build());
    awaitCondition(() -> first.stdout().contains("before"), "the tagged process printed");
    call.cancel("agent disconnects", null);

    List<ProcessInfo> processes =
        Api.call(
                alice,
                Api.LIST_PROCESSES,
                ListProcessesRequest.newBuilder().setSandboxId(shared).build())
            .getProcessesList();
    assertThat(processes)
        .anySatisfy(
            p -> {
              assertThat(p.getTag()).isEqualTo("job-1");
              assertThat(p.getRunning()).isTrue();
            });

    ExecRecorder second = new ExecRecorder();
    ClientCalls.asyncServerStreamingCall(
        alice.newCall(Api.CONNECT, Api.deadline(60)),
        ConnectRequest.newBuilder().setSandboxId(shared).setTag("job-1").build(),
        second);
    awaitCondition(() -> second.stdout().contains("before"), "Connect replayed the earlier output");
    Api.call(
        alice,
        Api.SIGNAL,
        SignalRequest.newBuilder().setSandboxId(shared).setTag("job-1").setSignal(15).build());
    second.await(60);
    assertThat(second.last().getExited().getSignal()).isEqualTo(15);
  }

  @Test
  void orphanedChildrenAreReaped() {
    RunResult result =
        run(
            shared,
            "sh",
            "-c",
            "for i in 1 2 3 4 5; do sh -c 'sleep 0.1 &'; done; sleep 1;"
                + " grep -l '^[0-9]* ([^)]*) Z' /proc/[0-9]*/stat 2>/dev/null | wc -l");
    assertThat(result.getStdout().toStringUtf8().strip()).as("zombie processes").isEqualTo("0");
  }

  @Test
  void suspendKeepsMemorySoResumeContinuesTheProcessesWhereTheyWere() throws Exception {
    String id = create(alice).getId();
    // A loop counting in a file on /tmp, a tmpfs: only memory keeps it, and only a process that
    // goes on running makes it grow.
    assertThat(
            run(
                    id,
                    "sh",
                    "-c",
                    "echo kept > /workspace/f; echo in-memory > /tmp/t;"
                        + " nohup sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count;"
                        + " sleep 0.1; done' >/dev/null 2>&1 &")
                .getExitCode())
        .isZero();
    awaitCondition(() -> count(id) >= 3, "the loop counts");
    Sandbox suspended =
        Api.call(alice, Api.SUSPEND, SuspendSandboxRequest.newBuilder().setSandboxId(id).build());
    assertThat(suspended.getPhase()).isEqualTo(Sandbox.Phase.SUSPENDED);
    assertStatus(() -> run(id, "true"), Status.Code.FAILED_PRECONDITION, "suspended");
    Sandbox resumed =
        Api.call(alice, Api.RESUME, ResumeSandboxRequest.newBuilder().setSandboxId(id).build());
    assertThat(resumed.getPhase()).isEqualTo(Sandbox.Phase.READY);
    long atResume = count(id);
    assertThat(atResume).as("the count kept in memory").isGreaterThanOrEqualTo(3);
    RunResult after = run(id, "sh", "-c", "cat /workspace/f /tmp/t; hostname");
    assertThat(after.getStdout().toStringUtf8()).isEqualTo("kept\nin-memory\n" + id + "\n");
    awaitCondition(() -> count(id) > atResume, "the loop counts on after the resume");
  }

  private static long count(String id) {
    String out =
        run(id, "sh", "-c", "cat /tmp/count 2>/dev/null || echo 0").getStdout().toStringUtf8();
    return Long.parseLong(out.strip().isEmpty() ? "0" : out.strip());
  }

  @Test
  void filesWriteReadListRemove() {
    FileInfo written = write(alice, shared, "/workspace/notes/../hello.txt", "hello, file\n");
    assertThat(written.getPath()).isEqualTo("/workspace/hello.txt");
    assertThat(written.getSize()).isEqualTo(12);
    assertThat(read(alice, shared, "hello.txt")).isEqualTo("hello, file\n");
    assertThat(run(shared, "cat", "/workspace/hello.txt").getStdout().toStringUtf8())
        .isEqualTo("hello, file\n");
    assertThat(
            Api.call(
                    alice,
                    Api.LIST_FILES,
                    ListFilesRequest.newBuilder()
                        .setSandboxId(shared)
                        .setPath("/workspace")
                        .build())
                .getFilesList())
        .extracting(FileInfo::getName)
        .contains("hello.txt");
    Api.call(
        alice,
        Api.REMOVE,
        RemoveFileRequest.newBuilder().setSandboxId(shared).setPath("hello.txt").build());
    assertThatThrownBy(() -> read(alice, shared, "hello.txt"))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void watchSeesChangesMadeInsideTheSandbox() throws Exception {
    run(shared, "mkdir", "-p", "/workspace/watched");
    List<FileEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    ClientCall<WatchFilesRequest, FileEvent> call = alice.newCall(Api.WATCH, Api.deadline(60));
    CompletableFuture<Void> watching = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onHeaders(io.grpc.Metadata headers) {
            watching.complete(null);
          }

          @Override
          public void onMessage(FileEvent event) {
            events.add(event);
            call.request(1);
          }
        },
        new io.grpc.Metadata());
    call.request(1);
    call.sendMessage(
        WatchFilesRequest.newBuilder().setSandboxId(shared).setPath("/workspace/watched").build());
    call.halfClose();
    watching.get(30, TimeUnit.SECONDS);
    run(shared, "sh", "-c", "echo hi > /workspace/watched/new.txt");
    awaitCondition(
        () ->
            events.contains(
                FileEvent.newBuilder()
                    .setType(FileEvent.Type.CREATED)
                    .setPath("/workspace/watched/new.txt")
                    .build()),
        "the watch reports the file created inside the sandbox");
    call.cancel("done", null);
  }

  @Test
  void pathsOutsideTheWorkspaceAndSymlinkEscapesAreRefused() {
    assertThat(run(shared, "ln", "-sf", "/etc", "/workspace/etc-link").getExitCode()).isZero();
    for (String path :
        List.of("/etc/passwd", "../etc/passwd", "/workspace/../etc/passwd", "etc-link/passwd")) {
      assertThatThrownBy(() -> read(alice, shared, path))
          .as(path)
          .satisfies(
              e ->
                  assertThat(Status.fromThrowable(e).getCode())
                      .isEqualTo(Status.Code.INVALID_ARGUMENT));
      assertThatThrownBy(() -> write(alice, shared, path, "x"))
          .as(path)
          .satisfies(
              e ->
                  assertThat(Status.fromThrowable(e).getCode())
                      .isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
  }

  @Test
  void noNetworkInsideAndTheHostLoopbackIsUnreachable() throws IOException {
    try (ServerSocket hostService =
        new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String probe =
          "import socket\n"
              + "print(sorted(n for _, n in socket.if_nameindex()))\n"
              + "s = socket.socket()\n"
              + "s.settimeout(3)\n"
              + "try:\n"
              + "    s.connect(('127.0.0.1', "
              + hostService.getLocalPort()
              + "))\n"
              + "    print('connected')\n"
              + "except OSError as e:\n"
              + "    print('refused')\n";
      RunResult result = run(shared, "python3", "-c", probe);
      assertThat(result.getStdout().toStringUtf8()).isEqualTo("['lo']\nrefused\n");
    }
  }

  @Test
  void hostFilesAreInvisibleAndTheRootIsReadOnly() throws IOException {
    Path secret = Path.of("/tmp", "bastion-host-secret-" + UUID.randomUUID());
    Files.writeString(secret, "host only");
    try {
      RunResult result =
          run(
              shared,
              "sh",
              "-c",
              // python3, not ls: ls fails with EINVAL under this runsc and would list nothing.
              "python3 -c 'import os; print(os.listdir(\"/tmp\"))'; cat "
                  + secret
                  + " 2>/dev/null; awk '$2 == \"/\" {print \"root:\" $4}' /proc/mounts;"
                  + " tr '\\0' ' ' < /proc/1/cmdline");
      String out = result.getStdout().toStringUtf8();
      assertThat(out)
          .startsWith("[")
          .doesNotContain(secret.getFileName().toString())
          .doesNotContain("host only");
      assertThat(out).containsPattern("root:ro\\b").contains("tini");
    } finally {
      Files.delete(secret);
    }
  }

  @Test
  void anotherTenantsSandboxDoesNotExist() {
    for (Runnable attempt :
        List.<Runnable>of(
            () ->
                Api.call(bob, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(shared).build()),
            () ->
                Api.call(
                    bob,
                    Api.RUN,
                    RunRequest.newBuilder().setSandboxId(shared).addArgv("true").build()),
            () -> read(bob, shared, "anything"),
            () ->
                Api.call(
                    bob,
                    Api.DELETE,
                    DeleteSandboxRequest.newBuilder().setSandboxId(shared).build()))) {
      assertThatThrownBy(attempt::run)
          .satisfies(
              e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND))
          .hasMessageContaining("not found");
    }
    assertThat(
            Api.call(bob, Api.LIST, ListSandboxesRequest.getDefaultInstance()).getSandboxesList())
        .extracting(Sandbox::getId)
        .doesNotContain(shared);
    assertThat(run(shared, "true").getExitCode()).as("still alice's and alive").isZero();
  }

  @Test
  void badInputGetsClearStatuses() {
    assertStatus(
        () -> Api.call(api.as(null), Api.LIST, ListSandboxesRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED,
        "bearer");
    assertStatus(
        () ->
            Api.call(
                api.as("wrong-token-0123456789"),
                Api.LIST,
                ListSandboxesRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED,
        "bearer");
    assertStatus(
        () ->
            Api.call(
                alice, Api.CREATE, CreateSandboxRequest.newBuilder().setTemplate("nope").build()),
        Status.Code.INVALID_ARGUMENT,
        "unknown template");
    assertStatus(
        () -> Api.call(alice, Api.CREATE, CreateSandboxRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT,
        "exactly one of template, warm_pool or snapshot");
    assertStatus(
        () -> Api.call(alice, Api.RUN, RunRequest.newBuilder().setSandboxId(shared).build()),
        Status.Code.INVALID_ARGUMENT,
        "argv");
    assertStatus(
        () ->
            Api.call(
                alice,
                Api.RUN,
                RunRequest.newBuilder().setSandboxId("sbx-nope").addArgv("true").build()),
        Status.Code.NOT_FOUND,
        "not found");
    assertStatus(
        () -> Api.call(alice, Api.RUN, RunRequest.newBuilder().addArgv("true").build()),
        Status.Code.INVALID_ARGUMENT,
        "sandbox_id");
    assertStatus(
        () ->
            Api.call(
                alice,
                Api.RUN,
                RunRequest.newBuilder()
                    .setSandboxId(shared)
                    .addArgv("cat")
                    .setStdin(ByteString.copyFrom(new byte[ServerConfig.MAX_MESSAGE_BYTES + 1]))
                    .build()),
        Status.Code.RESOURCE_EXHAUSTED,
        "");
    assertThat(run(shared, "true").getExitCode()).as("the sandbox survives bad input").isZero();
  }

  @Test
  void aSandboxIsDeletedWhenItsLifetimeEnds() throws Exception {
    String id =
        Api.call(
                alice,
                Api.CREATE,
                CreateSandboxRequest.newBuilder()
                    .setTemplate("python")
                    // Long enough for a cold start on a loaded two-core machine (~2 s idle): a
                    // sandbox that expires before it is READY fails its Create instead.
                    .setTimeoutSeconds(10)
                    .build())
            .getId();
    awaitCondition(
        () -> {
          try {
            Api.call(alice, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(id).build());
            return false;
          } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() == Status.Code.NOT_FOUND;
          }
        },
        "the expired sandbox is gone");
    // Gone from the API first, then from the disk.
    awaitCondition(
        () ->
            !Files.exists(
                stateDir.resolve("state/sandboxes").resolve(SandboxHost.hostKey("alice", id))),
        "the expired sandbox's files are removed");
  }

  @Test
  void createEnvReachesEveryProcessAndACallsEnvWins() {
    String id =
        Api.call(
                alice,
                Api.CREATE,
                CreateSandboxRequest.newBuilder()
                    .setTemplate("python")
                    .putEnv("GREETING", "hello")
                    .putEnv("TARGET", "world")
                    .build())
            .getId();
    RunResult result =
        Api.call(
            alice,
            Api.RUN,
            RunRequest.newBuilder()
                .setSandboxId(id)
                .addAllArgv(List.of("sh", "-c", "echo $GREETING $TARGET"))
                .putEnv("TARGET", "agent")
                .build());
    assertThat(result.getStdout().toStringUtf8()).isEqualTo("hello agent\n");
  }

  @Test
  void listFiltersByLabelSelector() {
    String red =
        Api.call(
                alice,
                Api.CREATE,
                CreateSandboxRequest.newBuilder()
                    .setTemplate("python")
                    .putLabels("color", "red")
                    .build())
            .getId();
    String blue =
        Api.call(
                alice,
                Api.CREATE,
                CreateSandboxRequest.newBuilder()
                    .setTemplate("python")
                    .putLabels("color", "blue")
                    .build())
            .getId();
    assertThat(ids("color=red")).contains(red).doesNotContain(blue);
    assertThat(ids("color!=red")).contains(blue).doesNotContain(red);
    assertThat(ids("color")).contains(red, blue).doesNotContain(shared);
    assertStatus(
        () ->
            Api.call(
                alice,
                Api.LIST,
                ListSandboxesRequest.newBuilder().setLabelSelector("bad key=x").build()),
        Status.Code.INVALID_ARGUMENT,
        "label selector");
  }

  private static List<String> ids(String selector) {
    return Api.call(
            alice, Api.LIST, ListSandboxesRequest.newBuilder().setLabelSelector(selector).build())
        .getSandboxesList()
        .stream()
        .map(Sandbox::getId)
        .toList();
  }

  @Test
  void deletedSandboxIsGone() {
    String id = create(alice).getId();
    Api.call(alice, Api.DELETE, DeleteSandboxRequest.newBuilder().setSandboxId(id).build());
    assertStatus(
        () -> Api.call(alice, Api.GET, GetSandboxRequest.newBuilder().setSandboxId(id).build()),
        Status.Code.NOT_FOUND,
        "not found");
    assertStatus(() -> run(id, "true"), Status.Code.NOT_FOUND, "not found");
    assertThat(stateDir.resolve("state/sandboxes").resolve(SandboxHost.hostKey("alice", id)))
        .doesNotExist();
  }

  @Test
  void memoryBombIsReportedAndTheSandboxFails() {
    Containment.memoryBomb(alice, create(alice).getId());
  }

  @Test
  void forkBombIsContainedAndReported() throws Exception {
    Containment.forkBomb(alice, create(alice).getId(), shared);
  }

  @Test
  void aSlowReaderMakesTheProcessWaitInsteadOfTheGatewayBuffering() throws Exception {
    // The process writes 1 GiB in 64 KiB blocks and records how far it got; the client takes one
    // message and then stops reading. Only the flow-control windows along the way may fill.
    String writer =
        "import os, sys\n"
            + "block = b'x' * 65536\n"
            + "for i in range(16384):\n"
            + "    sys.stdout.buffer.write(block)\n"
            + "    sys.stdout.buffer.flush()\n"
            + "    if i % 16 == 0:\n"
            + "        open('/workspace/progress.tmp', 'w').write(str((i + 1) * 65536))\n"
            + "        os.replace('/workspace/progress.tmp', '/workspace/progress')\n";
    ClientCall<ExecRequest, ExecEvent> call = alice.newCall(Api.EXEC, Api.deadline(120));
    CompletableFuture<Void> firstOutput = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(ExecEvent event) {
            if (event.hasStdout()) {
              firstOutput.complete(null);
            }
          }
        },
        new io.grpc.Metadata());
    call.request(2);
    call.sendMessage(start(shared, "python3", "-c", writer));
    call.halfClose();
    firstOutput.get(60, TimeUnit.SECONDS);
    long settled = awaitProgressToSettle();
    assertThat(settled).as("bytes the process managed to write").isLessThan(128L << 20);
    call.cancel("done", null);
  }

  /** Polls the writer's progress until it stops moving: the process is blocked on its pipe. */
  private static long awaitProgressToSettle() throws InterruptedException {
    long previous = -1;
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      TimeUnit.SECONDS.sleep(2);
      String text =
          run(shared, "sh", "-c", "cat /workspace/progress 2>/dev/null || echo 0")
              .getStdout()
              .toStringUtf8()
              .strip();
      long current = Long.parseLong(text);
      if (current == previous) {
        return current;
      }
      previous = current;
    }
    throw new AssertionError("the writer never stopped: it is not held back by flow control");
  }

  @Test
  void standardHealthAndReflectionClientsWork() throws Exception {
    assertThat(
            io.grpc.health.v1.HealthGrpc.newBlockingStub(api.as(null))
                .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    CompletableFuture<List<String>> services = new CompletableFuture<>();
    StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> reflection =
        io.grpc.reflection.v1.ServerReflectionGrpc.newStub(api.as(null))
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(io.grpc.reflection.v1.ServerReflectionResponse response) {
                    services.complete(
                        response.getListServicesResponse().getServiceList().stream()
                            .map(io.grpc.reflection.v1.ServiceResponse::getName)
                            .toList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    services.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    reflection.onNext(
        io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("*").build());
    assertThat(services.get(30, TimeUnit.SECONDS))
        .contains(
            "bastion.v1.Sandboxes",
            "bastion.v1.Processes",
            "bastion.v1.Files",
            "grpc.health.v1.Health");
    reflection.onCompleted();
  }

  @Test
  void httpEndpointsAnswer() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String path : List.of("/healthz", "/readyz", "/metrics")) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
    }
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("bastion_sandboxes{phase=\"READY\"}");
  }

  // ------------------------------------------------------------------ helpers

  static StreamObserver<ExecRequest> exec(Channel as, ExecRecorder recorder) {
    return ClientCalls.asyncBidiStreamingCall(as.newCall(Api.EXEC, Api.deadline(120)), recorder);
  }

  static ExecRequest start(String sandbox, String... argv) {
    return ExecRequest.newBuilder()
        .setStart(ExecStart.newBuilder().setSandboxId(sandbox).addAllArgv(List.of(argv)))
        .build();
  }

  static FileInfo write(Channel as, String sandbox, String path, String content) {
    return write(as, WriteFileHeader.newBuilder().setSandboxId(sandbox).setPath(path), content);
  }

  static FileInfo write(Channel as, WriteFileHeader.Builder header, String content) {
    CompletableFuture<FileInfo> result = new CompletableFuture<>();
    StreamObserver<WriteFileRequest> requests =
        ClientCalls.asyncClientStreamingCall(
            as.newCall(Api.WRITE, Api.deadline(60)),
            new StreamObserver<>() {
              @Override
              public void onNext(FileInfo info) {
                result.complete(info);
              }

              @Override
              public void onError(Throwable t) {
                result.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    requests.onNext(WriteFileRequest.newBuilder().setHeader(header).build());
    requests.onNext(
        WriteFileRequest.newBuilder().setData(ByteString.copyFromUtf8(content)).build());
    requests.onCompleted();
    try {
      return result.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String read(Channel as, String sandbox, String path) {
    Iterator<FileChunk> chunks =
        ClientCalls.blockingServerStreamingCall(
            as,
            Api.READ,
            Api.deadline(60),
            ReadFileRequest.newBuilder().setSandboxId(sandbox).setPath(path).build());
    StringBuilder content = new StringBuilder();
    chunks.forEachRemaining(c -> content.append(c.getData().toStringUtf8()));
    return content.toString();
  }

  static void assertStatus(Runnable call, Status.Code code, String messagePart) {
    assertThatThrownBy(call::run)
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  static void awaitCondition(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }
}
