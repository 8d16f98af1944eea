package dev.bastion.sandboxd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ConnectRequest;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FileEvent;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.FilesGrpcClient;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.ListProcessesRequest;
import dev.bastion.api.v1.MakeDirRequest;
import dev.bastion.api.v1.MoveFileRequest;
import dev.bastion.api.v1.ProcessInfo;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.RemoveFileRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.SignalRequest;
import dev.bastion.api.v1.StatFileRequest;
import dev.bastion.api.v1.WatchFilesRequest;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.api.v1.WriteFileRequest;
import dev.bastion.sandboxd.GrpcTestClient.Live;
import dev.bastion.sandboxd.GrpcTestClient.Outcome;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives a real sandboxd over its Unix socket. */
class SandboxdIT {

  private static final int MAX_FILE_BYTES = 1 << 20;

  @TempDir static Path temp;
  static Path workspace;
  static SandboxdServer server;
  static GrpcTestClient client;

  @BeforeAll
  static void startServer() throws Exception {
    workspace = Files.createDirectory(temp.resolve("workspace"));
    Path socket = temp.resolve("run/sandboxd.sock");
    server =
        LocalSandboxd.start(
            "--socket", socket.toString(),
            "--workspace", workspace.toString(),
            "--max-file-bytes", String.valueOf(MAX_FILE_BYTES),
            "--keepalive-seconds", "1");
    assertThat(socket).exists();
    client = new GrpcTestClient(socket);
  }

  @AfterAll
  static void stopServer() throws Exception {
    client.close();
    LocalSandboxd.stop(server);
  }

  // ---- Exec ----

  @Test
  void execStreamsOutputInOrderAndEndsWithExited() throws Exception {
    Outcome<ExecEvent> outcome =
        exec(
            start(
                "python3",
                "-c",
                "import time\nfor i in range(5):\n  print(i, flush=True)\n  time.sleep(0.05)"));
    assertThat(outcome.status()).isEqualTo(GrpcStatus.OK);
    List<ExecEvent> events = outcome.messages();
    assertThat(events.get(0).hasStarted()).isTrue();
    assertThat(events.get(0).getStarted().getPid()).isPositive();
    assertThat(events.stream().filter(ExecEvent::hasStdout).count()).isGreaterThanOrEqualTo(2);
    assertThat(stdout(events)).isEqualTo("0\n1\n2\n3\n4\n");
    assertThat(exited(events).getExitCode()).isZero();
  }

  @Test
  void execRoundTripsStdin() throws Exception {
    Live<ExecRequest, ExecEvent> cat = client.open(ProcessesGrpcClient.Exec);
    cat.send(start(b -> b.setStdin(true), "cat"));
    assertThat(cat.next().hasStarted()).isTrue();
    cat.send(ExecRequest.newBuilder().setStdin(ByteString.copyFromUtf8("hello\n")).build());
    assertThat(cat.next().getStdout().toStringUtf8()).isEqualTo("hello\n");
    cat.send(ExecRequest.newBuilder().setEof(true).build());
    Outcome<ExecEvent> outcome = cat.outcome();
    assertThat(exited(outcome.messages()).getExitCode()).isZero();
  }

  @Test
  void execReportsExitCodesAndSignals() throws Exception {
    assertThat(exited(exec(start("sh", "-c", "exit 3")).messages()).getExitCode()).isEqualTo(3);
    Exited killed = exited(exec(start("sh", "-c", "kill -TERM $$")).messages());
    assertThat(killed.getExitCode()).isEqualTo(143);
    assertThat(killed.getSignal()).isEqualTo(15);
  }

  @Test
  void missingCommandExitsWith127() throws Exception {
    Outcome<ExecEvent> outcome = exec(start("no-such-command-xyz", "arg"));
    assertThat(outcome.status()).isEqualTo(GrpcStatus.OK);
    assertThat(exited(outcome.messages()).getExitCode()).isEqualTo(127);
    assertThat(stderr(outcome.messages())).isEqualTo("no-such-command-xyz: command not found\n");
  }

  @Test
  void aFileThatCannotBeExecutedSaysWhyAsAShellWould() throws Exception {
    write("not-executable", 0644, "echo never\n".getBytes(StandardCharsets.UTF_8));
    Outcome<ExecEvent> outcome = exec(start("./not-executable"));
    assertThat(outcome.status()).isEqualTo(GrpcStatus.OK);
    assertThat(exited(outcome.messages()).getExitCode()).isEqualTo(126);
    assertThat(stderr(outcome.messages())).isEqualTo("./not-executable: Permission denied\n");
  }

  @Test
  void aScriptWithoutAnInterpreterLineRunsInTheShellAsExecvpWouldRunIt() throws Exception {
    write("no-shebang", 0755, "echo \"from sh: $1\"\n".getBytes(StandardCharsets.UTF_8));
    Outcome<ExecEvent> outcome = exec(start("./no-shebang", "an argument"));
    assertThat(exited(outcome.messages()).getExitCode()).isZero();
    assertThat(stdout(outcome.messages())).isEqualTo("from sh: an argument\n");
  }

  @Test
  void rejectsBadStarts() throws Exception {
    Outcome<ExecEvent> noStart =
        client.call(ProcessesGrpcClient.Exec, ExecRequest.newBuilder().setEof(true).build());
    assertThat(noStart.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(noStart.message()).isEqualTo("first message must be start");
    Outcome<ExecEvent> empty = exec(start());
    assertThat(empty.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(empty.message()).isEqualTo("argv must not be empty");
    Outcome<ExecEvent> outside = exec(start(b -> b.setCwd("/etc"), "true"));
    assertThat(outside.message()).isEqualTo("path /etc is outside /workspace");
  }

  @Test
  void timeoutKillsTheWholeProcessGroup() throws Exception {
    Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
    live.send(start(b -> b.setTimeoutSeconds(1), "sh", "-c", "sleep 1000 & echo $!; sleep 1000"));
    live.request.end();
    assertThat(live.next().hasStarted()).isTrue();
    long grandchild = Long.parseLong(live.next().getStdout().toStringUtf8().trim());
    Exited exited = exited(live.outcome().messages());
    assertThat(exited.getTimedOut()).isTrue();
    assertThat(exited.getSignal()).isEqualTo(9);
    assertGone(grandchild);
  }

  @Test
  void outputBeyondTheCapIsDropped() throws Exception {
    Outcome<ExecEvent> outcome =
        exec(
            start(
                b -> b.setMaxOutputBytes(1000),
                "python3",
                "-c",
                "import sys\nsys.stdout.write('x' * 200000)\nsys.stderr.write('y' * 1000)"));
    int total =
        outcome.messages().stream()
            .mapToInt(e -> e.getStdout().size() + e.getStderr().size())
            .sum();
    assertThat(total).isEqualTo(1000);
    assertThat(exited(outcome.messages()).getTruncated()).isTrue();
    assertThat(exited(outcome.messages()).getExitCode()).isZero();
  }

  @Test
  void cancellingKillsAnUntaggedProcess() throws Exception {
    Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
    live.send(start("sh", "-c", "echo ready; sleep 1000"));
    int pid = live.next().getStarted().getPid();
    assertThat(live.next().getStdout().toStringUtf8()).isEqualTo("ready\n");
    live.cancel();
    assertGone(pid);
  }

  @Test
  void taggedProcessSurvivesCancelAndCanBeReattached() throws Exception {
    Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
    live.send(
        start(
            b -> b.setTag("server"),
            "sh",
            "-c",
            "echo one; while [ ! -f go ]; do sleep 0.05; done; echo two"));
    int pid = live.next().getStarted().getPid();
    assertThat(live.next().getStdout().toStringUtf8()).isEqualTo("one\n");
    live.cancel();

    Outcome<ExecEvent> duplicate = exec(start(b -> b.setTag("server"), "true"));
    assertThat(duplicate.status()).isEqualTo(GrpcStatus.ALREADY_EXISTS);
    assertThat(duplicate.message()).isEqualTo("tag server is in use");
    assertThat(processes())
        .anySatisfy(
            p -> {
              assertThat(p.getPid()).isEqualTo(pid);
              assertThat(p.getRunning()).isTrue();
              assertThat(p.getTag()).isEqualTo("server");
            });

    Live<ConnectRequest, ExecEvent> attached = client.open(ProcessesGrpcClient.Connect);
    attached.send(ConnectRequest.newBuilder().setTag("server").build());
    attached.request.end();
    assertThat(attached.next().getStarted().getPid()).isEqualTo(pid);
    assertThat(attached.next().getStdout().toStringUtf8()).isEqualTo("one\n");
    Files.createFile(workspace.resolve("go"));
    Outcome<ExecEvent> rest = attached.outcome();
    assertThat(stdout(rest.messages())).isEqualTo("one\ntwo\n");
    assertThat(exited(rest.messages()).getExitCode()).isZero();

    Outcome<ExecEvent> unknown =
        client.call(
            ProcessesGrpcClient.Connect, ConnectRequest.newBuilder().setTag("nope").build());
    assertThat(unknown.status()).isEqualTo(GrpcStatus.NOT_FOUND);
  }

  @Test
  void signalReachesTheProcessGroup() throws Exception {
    Live<ExecRequest, ExecEvent> live = client.open(ProcessesGrpcClient.Exec);
    live.send(start("sh", "-c", "echo ready; sleep 1000"));
    int pid = live.next().getStarted().getPid();
    live.next();
    Outcome<?> sent =
        client.call(
            ProcessesGrpcClient.Signal,
            SignalRequest.newBuilder().setPid(pid).setSignal(15).build());
    assertThat(sent.status()).isEqualTo(GrpcStatus.OK);
    Exited exited = exited(live.outcome().messages());
    assertThat(exited.getSignal()).isEqualTo(15);
    assertThat(exited.getExitCode()).isEqualTo(143);

    assertThat(
            client
                .call(
                    ProcessesGrpcClient.Signal,
                    SignalRequest.newBuilder().setPid(999_999).setSignal(15).build())
                .status())
        .isEqualTo(GrpcStatus.NOT_FOUND);
    assertThat(
            client
                .call(
                    ProcessesGrpcClient.Signal,
                    SignalRequest.newBuilder().setPid(pid).setSignal(65).build())
                .status())
        .isEqualTo(GrpcStatus.INVALID_ARGUMENT);
  }

  // ---- Run ----

  @Test
  void runCollectsCappedOutput() throws Exception {
    RunResult result =
        client
            .call(
                ProcessesGrpcClient.Run,
                RunRequest.newBuilder()
                    .addAllArgv(
                        List.of(
                            "python3",
                            "-c",
                            "import sys\nsys.stdout.write('x' * 5000)\nsys.stderr.write('e' * 10)\nsys.exit(4)"))
                    .setMaxOutputBytes(100)
                    .build())
            .single();
    assertThat(result.getStdout().toStringUtf8()).isEqualTo("x".repeat(100));
    assertThat(result.getStderr().toStringUtf8()).isEqualTo("e".repeat(10));
    assertThat(result.getTruncated()).isTrue();
    assertThat(result.getExitCode()).isEqualTo(4);
    assertThat(result.getDurationMs()).isNotNegative();

    RunResult cat =
        client
            .call(
                ProcessesGrpcClient.Run,
                RunRequest.newBuilder()
                    .addArgv("cat")
                    .setStdin(ByteString.copyFromUtf8("abc"))
                    .build())
            .single();
    assertThat(cat.getStdout().toStringUtf8()).isEqualTo("abc");
    assertThat(cat.getTruncated()).isFalse();
    assertThat(processes()).anySatisfy(p -> assertThat(p.getArgvList()).containsExactly("cat"));
  }

  @Test
  void runHonoursTheTimeout() throws Exception {
    RunResult result =
        client
            .call(
                ProcessesGrpcClient.Run,
                RunRequest.newBuilder()
                    .addAllArgv(List.of("sleep", "100"))
                    .setTimeoutSeconds(1)
                    .build())
            .single();
    assertThat(result.getTimedOut()).isTrue();
    assertThat(result.getSignal()).isEqualTo(9);
  }

  // ---- Files ----

  @Test
  void writesReadsAndDescribesFiles() throws Exception {
    byte[] content = new byte[200_000];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) ('a' + i % 26);
    }
    FileInfo written = write("docs/../data.bin", 0600, content);
    assertThat(written.getPath()).isEqualTo("/workspace/data.bin");
    assertThat(written.getSize()).isEqualTo(content.length);
    assertThat(written.getMode()).isEqualTo(0600);
    assertThat(written.getType()).isEqualTo(FileInfo.Type.FILE);
    assertThat(Files.readAllBytes(workspace.resolve("data.bin"))).isEqualTo(content);

    Outcome<FileChunk> read =
        client.call(
            FilesGrpcClient.Read,
            ReadFileRequest.newBuilder().setPath("/workspace/data.bin").build());
    assertThat(read.status()).isEqualTo(GrpcStatus.OK);
    assertThat(read.messages())
        .hasSizeGreaterThan(1)
        .allSatisfy(c -> assertThat(c.getData().size()).isLessThanOrEqualTo(65536));
    assertThat(concat(read.messages())).isEqualTo(content);

    Outcome<FileChunk> slice =
        client.call(
            FilesGrpcClient.Read,
            ReadFileRequest.newBuilder().setPath("data.bin").setOffset(1).setLimit(3).build());
    assertThat(new String(concat(slice.messages()), StandardCharsets.UTF_8)).isEqualTo("bcd");

    write("log.txt", 0, "a".getBytes(StandardCharsets.UTF_8));
    FileInfo appended =
        upload(header("log.txt").setAppend(true), "b".getBytes(StandardCharsets.UTF_8)).single();
    assertThat(appended.getSize()).isEqualTo(2);
    assertThat(appended.getMode()).isEqualTo(0644);

    assertThat(
            client
                .call(FilesGrpcClient.Read, ReadFileRequest.newBuilder().setPath("missing").build())
                .status())
        .isEqualTo(GrpcStatus.NOT_FOUND);
    assertThat(
            client
                .call(
                    FilesGrpcClient.Read,
                    ReadFileRequest.newBuilder().setPath("/workspace").build())
                .status())
        .isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    Outcome<FileInfo> noDir = upload(header("nodir/x.txt").setNoCreateParents(true), new byte[1]);
    assertThat(noDir.status()).isEqualTo(GrpcStatus.NOT_FOUND);
    assertThat(noDir.message()).isEqualTo("directory /workspace/nodir does not exist");
    assertThat(upload(header("made/by/write.txt"), new byte[1]).single().getPath())
        .isEqualTo("/workspace/made/by/write.txt");
    assertThat(workspace.resolve("made/by")).isDirectory();
  }

  @Test
  void managesDirectories() throws Exception {
    FileInfo dir =
        client
            .call(
                FilesGrpcClient.MakeDir,
                MakeDirRequest.newBuilder().setPath("tree/a/b").setParents(true).build())
            .single();
    assertThat(dir.getType()).isEqualTo(FileInfo.Type.DIRECTORY);
    assertThat(
            client
                .call(
                    FilesGrpcClient.MakeDir, MakeDirRequest.newBuilder().setPath("tree/a").build())
                .status())
        .isEqualTo(GrpcStatus.ALREADY_EXISTS);
    write("tree/a/b/f.txt", 0, new byte[3]);
    Files.createSymbolicLink(workspace.resolve("tree/link"), Path.of("a"));

    List<FileInfo> shallow =
        client
            .call(FilesGrpcClient.List, ListFilesRequest.newBuilder().setPath("tree").build())
            .single()
            .getFilesList();
    assertThat(shallow)
        .extracting(FileInfo::getPath)
        .containsExactly("/workspace/tree/a", "/workspace/tree/link");
    List<FileInfo> deep =
        client
            .call(
                FilesGrpcClient.List,
                ListFilesRequest.newBuilder().setPath("tree").setDepth(5).build())
            .single()
            .getFilesList();
    assertThat(deep)
        .extracting(FileInfo::getPath)
        .containsExactly(
            "/workspace/tree/a",
            "/workspace/tree/a/b",
            "/workspace/tree/a/b/f.txt",
            "/workspace/tree/link");

    FileInfo link =
        client
            .call(FilesGrpcClient.Stat, StatFileRequest.newBuilder().setPath("tree/link").build())
            .single();
    assertThat(link.getType()).isEqualTo(FileInfo.Type.SYMLINK);
    assertThat(link.getSymlinkTarget()).isEqualTo("a");

    write("tree/other.txt", 0, new byte[1]);
    Outcome<FileInfo> clash =
        client.call(
            FilesGrpcClient.Move,
            MoveFileRequest.newBuilder()
                .setSource("tree/other.txt")
                .setDestination("tree/a/b/f.txt")
                .build());
    assertThat(clash.status()).isEqualTo(GrpcStatus.ALREADY_EXISTS);
    FileInfo moved =
        client
            .call(
                FilesGrpcClient.Move,
                MoveFileRequest.newBuilder()
                    .setSource("tree/other.txt")
                    .setDestination("tree/a/b/f.txt")
                    .setOverwrite(true)
                    .build())
            .single();
    assertThat(moved.getPath()).isEqualTo("/workspace/tree/a/b/f.txt");
    assertThat(moved.getSize()).isEqualTo(1);

    Outcome<?> notEmpty =
        client.call(FilesGrpcClient.Remove, RemoveFileRequest.newBuilder().setPath("tree").build());
    assertThat(notEmpty.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    assertThat(
            client
                .call(
                    FilesGrpcClient.Remove,
                    RemoveFileRequest.newBuilder().setPath("/workspace").setRecursive(true).build())
                .status())
        .isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    Files.createDirectory(temp.resolve("keep"));
    Files.createFile(temp.resolve("keep/precious"));
    Files.createSymbolicLink(workspace.resolve("tree/a/out"), temp.resolve("keep"));
    assertThat(
            client
                .call(
                    FilesGrpcClient.Remove,
                    RemoveFileRequest.newBuilder().setPath("tree").setRecursive(true).build())
                .status())
        .isEqualTo(GrpcStatus.OK);
    assertThat(workspace.resolve("tree")).doesNotExist();
    assertThat(temp.resolve("keep/precious")).exists();
  }

  @Test
  void refusesPathsOutsideTheWorkspace() throws Exception {
    Outcome<FileChunk> passwd =
        client.call(
            FilesGrpcClient.Read, ReadFileRequest.newBuilder().setPath("/etc/passwd").build());
    assertThat(passwd.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(passwd.message()).isEqualTo("path /etc/passwd is outside /workspace");
    Files.createSymbolicLink(workspace.resolve("etc-link"), Path.of("/etc"));
    assertThat(
            client
                .call(
                    FilesGrpcClient.Read,
                    ReadFileRequest.newBuilder().setPath("etc-link/passwd").build())
                .status())
        .isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    Files.createSymbolicLink(workspace.resolve("escape-dir"), temp);
    Outcome<FileInfo> written = upload(header("escape-dir/planted.txt"), new byte[1]);
    assertThat(written.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(temp.resolve("planted.txt")).doesNotExist();
    assertThat(
            client
                .call(FilesGrpcClient.Stat, StatFileRequest.newBuilder().setPath("../x").build())
                .status())
        .isEqualTo(GrpcStatus.INVALID_ARGUMENT);
  }

  @Test
  void failedOrCancelledWritesLeaveTheOldContent() throws Exception {
    write("atomic.txt", 0, "old".getBytes(StandardCharsets.UTF_8));

    Live<WriteFileRequest, FileInfo> live = client.open(FilesGrpcClient.Write);
    live.send(WriteFileRequest.newBuilder().setHeader(header("atomic.txt")).build());
    live.send(
        WriteFileRequest.newBuilder().setData(ByteString.copyFromUtf8("new-but-partial")).build());
    awaitTrue(() -> tempFiles().findAny().isPresent());
    live.cancel();
    awaitTrue(() -> tempFiles().findAny().isEmpty());
    assertThat(workspace.resolve("atomic.txt")).hasContent("old");

    Outcome<FileInfo> tooBig =
        upload(
            header("atomic.txt"), new byte[MAX_FILE_BYTES / 2], new byte[MAX_FILE_BYTES / 2 + 1]);
    assertThat(tooBig.status()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
    assertThat(tooBig.message()).isEqualTo("file exceeds " + MAX_FILE_BYTES + " bytes");
    awaitTrue(() -> tempFiles().findAny().isEmpty());
    assertThat(workspace.resolve("atomic.txt")).hasContent("old");
  }

  @Test
  void aQuietProcessGetsKeepalivesUntilItExits() throws Exception {
    Outcome<ExecEvent> outcome = exec(start("sleep", "2.5"));
    List<ExecEvent> events = outcome.messages();
    assertThat(events.get(0).hasStarted()).isTrue();
    assertThat(events.stream().filter(ExecEvent::hasKeepalive).count()).isBetween(1L, 3L);
    assertThat(events.get(events.size() - 1).hasExited()).isTrue();
  }

  @Test
  void watchStreamsChangesBelowADirectory() throws Exception {
    Files.createDirectories(workspace.resolve("watched"));
    GrpcTestClient.Live<WatchFilesRequest, FileEvent> watch = client.open(FilesGrpcClient.Watch);
    watch.send(WatchFilesRequest.newBuilder().setPath("watched").setRecursive(true).build());
    watch.request.end();
    // Headers arrive once the watch is in place.
    watch.request.response().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    // A write is a create and then modifications: wait for each event rather than expect an order.
    Files.writeString(workspace.resolve("watched/a.txt"), "a");
    assertThat(watch.next()).isEqualTo(event(FileEvent.Type.CREATED, "/workspace/watched/a.txt"));
    Files.createDirectory(workspace.resolve("watched/sub"));
    awaitTrue(() -> watch.all.contains(event(FileEvent.Type.CREATED, "/workspace/watched/sub")));
    Files.writeString(workspace.resolve("watched/sub/b.txt"), "b");
    awaitTrue(
        () -> watch.all.contains(event(FileEvent.Type.CREATED, "/workspace/watched/sub/b.txt")));
    Files.delete(workspace.resolve("watched/a.txt"));
    awaitTrue(() -> watch.all.contains(event(FileEvent.Type.DELETED, "/workspace/watched/a.txt")));
    watch.request.cancel();
  }

  @Test
  void watchRefusesFilesAndPathsOutsideTheWorkspace() throws Exception {
    Files.writeString(workspace.resolve("plain.txt"), "x");
    assertThat(
            client
                .call(
                    FilesGrpcClient.Watch,
                    WatchFilesRequest.newBuilder().setPath("plain.txt").build())
                .status())
        .isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(
            client
                .call(FilesGrpcClient.Watch, WatchFilesRequest.newBuilder().setPath("/etc").build())
                .status())
        .isEqualTo(GrpcStatus.INVALID_ARGUMENT);
  }

  private static FileEvent event(FileEvent.Type type, String path) {
    return FileEvent.newBuilder().setType(type).setPath(path).build();
  }

  // ---- helpers ----

  private static ExecRequest start(String... argv) {
    return start(b -> {}, argv);
  }

  private static ExecRequest start(
      java.util.function.Consumer<ExecStart.Builder> options, String... argv) {
    ExecStart.Builder start = ExecStart.newBuilder().addAllArgv(List.of(argv));
    options.accept(start);
    return ExecRequest.newBuilder().setStart(start).build();
  }

  private static Outcome<ExecEvent> exec(ExecRequest start) throws Exception {
    return client.call(ProcessesGrpcClient.Exec, start);
  }

  private static Exited exited(List<ExecEvent> events) {
    assertThat(events).isNotEmpty();
    ExecEvent last = events.get(events.size() - 1);
    assertThat(last.hasExited()).as("last event is exited: %s", events).isTrue();
    return last.getExited();
  }

  private static String stdout(List<ExecEvent> events) {
    return events.stream()
        .map(ExecEvent::getStdout)
        .reduce(ByteString.EMPTY, ByteString::concat)
        .toStringUtf8();
  }

  private static String stderr(List<ExecEvent> events) {
    return events.stream()
        .map(ExecEvent::getStderr)
        .reduce(ByteString.EMPTY, ByteString::concat)
        .toStringUtf8();
  }

  private static List<ProcessInfo> processes() throws Exception {
    return client
        .call(ProcessesGrpcClient.List, ListProcessesRequest.getDefaultInstance())
        .single()
        .getProcessesList();
  }

  private static WriteFileHeader.Builder header(String path) {
    return WriteFileHeader.newBuilder().setPath(path);
  }

  private static Outcome<FileInfo> upload(WriteFileHeader.Builder header, byte[]... chunks)
      throws Exception {
    WriteFileRequest[] requests = new WriteFileRequest[chunks.length + 1];
    requests[0] = WriteFileRequest.newBuilder().setHeader(header).build();
    for (int i = 0; i < chunks.length; i++) {
      requests[i + 1] =
          WriteFileRequest.newBuilder().setData(ByteString.copyFrom(chunks[i])).build();
    }
    return client.call(FilesGrpcClient.Write, requests);
  }

  private static FileInfo write(String path, int mode, byte[] content) throws Exception {
    int half = content.length / 2;
    return upload(
            header(path).setMode(mode),
            java.util.Arrays.copyOfRange(content, 0, half),
            java.util.Arrays.copyOfRange(content, half, content.length))
        .single();
  }

  private static byte[] concat(List<FileChunk> chunks) {
    return chunks.stream()
        .map(FileChunk::getData)
        .reduce(ByteString.EMPTY, ByteString::concat)
        .toByteArray();
  }

  private static Stream<Path> tempFiles() {
    try (Stream<Path> files = Files.list(workspace)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(".bastion-upload-"))
          .toList()
          .stream();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A process is gone once /proc no longer lists it or it is a zombie nobody reaped yet. */
  private static void assertGone(long pid) throws Exception {
    awaitTrue(
        () -> {
          try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
          } catch (java.io.IOException e) {
            return true;
          }
        });
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10s");
      }
      Thread.sleep(20);
    }
  }
}
