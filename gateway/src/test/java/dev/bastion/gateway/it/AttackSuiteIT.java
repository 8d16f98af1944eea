package dev.bastion.gateway.it;

import static dev.bastion.gateway.it.Calls.append;
import static dev.bastion.gateway.it.Calls.assertCleanStatus;
import static dev.bastion.gateway.it.Calls.assertGatewayHealthy;
import static dev.bastion.gateway.it.Calls.listFiles;
import static dev.bastion.gateway.it.Calls.mkdir;
import static dev.bastion.gateway.it.Calls.move;
import static dev.bastion.gateway.it.Calls.remove;
import static dev.bastion.gateway.it.Calls.stat;
import static dev.bastion.gateway.it.Calls.twoMessages;
import static dev.bastion.gateway.it.Calls.watch;
import static dev.bastion.gateway.it.GatewayIT.assertStatus;
import static dev.bastion.gateway.it.GatewayIT.awaitCondition;
import static dev.bastion.gateway.it.GatewayIT.read;
import static dev.bastion.gateway.it.GatewayIT.start;
import static dev.bastion.gateway.it.GatewayIT.write;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.ListSandboxesRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.controller.embedded.EmbeddedPods;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attacks from inside real gVisor sandboxes and through their APIs, one test (or table row) per
 * attack, each asserting what containment looks like: escapes to the host's files, kernel and
 * network, resource exhaustion, Files API escapes, one sandbox reading another's workspace, and
 * policy bypasses. {@link GrpcAttackIT} attacks the gRPC API itself. docs/SECURITY.md lists the
 * cases with their results.
 *
 * <p>Tenants: alice attacks; bob is another tenant; eve works under a ToolPolicy; carol is a
 * bystander whose sandbox is made before any attack and checked after all of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttackSuiteIT {

  static final String ALICE = "attack-alice-token-0123456789";
  static final String BOB = "attack-bob-token-0123456789";
  static final String CAROL = "attack-carol-token-0123456789";
  static final String EVE = "attack-eve-token-0123456789";
  static final String OPS = "attack-ops-token-0123456789";

  static final String POLICY =
      """
      apiVersion: bastion.dev/v1alpha1
      kind: ToolPolicy
      metadata: {name: agents}
      spec:
        tenants: [eve]
        rules:
        - name: no-network-tools
          when: >-
            call.tool in ["process.exec", "process.run"]
            && call.argv.exists(a, a.matches("(^|[/ ;|&])(curl|wget|nc)( |$)"))
          action: Deny
          message: network tools are not allowed
        - name: no-secrets
          when: call.path.startsWith("/workspace/secrets")
          action: Deny
        - name: no-gpu
          when: >-
            call.tool == "sandboxes.create"
            && "tier" in sandbox.labels && sandbox.labels["tier"] == "gpu"
          action: Deny
      """;

  /** A template whose workspace claim asks for 32Mi, with a 16 MiB /tmp. */
  static final String SMALL_TEMPLATE =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxTemplate
      metadata: {name: attack-small}
      spec:
        podTemplate:
          spec:
            runtimeClassName: gvisor
            containers:
            - name: main
              image: bastion/python
              resources:
                limits: {cpu: "1", memory: 512Mi, ephemeral-storage: 16Mi}
              volumeMounts: [{name: workspace, mountPath: /workspace}]
        volumeClaimTemplates:
        - metadata: {name: workspace}
          spec:
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 32Mi}}
      """;

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static Channel alice;
  static Channel bob;
  static Channel carol;
  static Channel eve;
  static String target;
  static String bobBox;
  static String eveBox;
  static Bystander bystander;
  static SandboxAttacks.HostFacts host;
  static ServerSocket loopbackListener;
  static ServerSocket anyListener;
  static Path marker;

  @BeforeAll
  static void startServerAndBystander() throws Exception {
    SandboxHost.require();
    Files.writeString(
        dir.resolve("tokens"),
        String.join(
            "\n",
            ALICE + " alice",
            BOB + " bob",
            CAROL + " carol",
            EVE + " eve",
            OPS + " ops admin",
            ""));
    server = SandboxHost.start(dir.resolve("state"), dir.resolve("tokens"), 0);
    api = new Api(server.port());
    alice = api.as(ALICE);
    bob = api.as(BOB);
    carol = api.as(CAROL);
    eve = api.as(EVE);
    bystander = Bystander.make(carol);
    apply(POLICY);
    apply(SMALL_TEMPLATE);
    target = Api.create(alice, "python").getId();
    bobBox = Api.create(bob, "python").getId();
    eveBox = Api.create(eve, "python").getId();
    host = hostFacts();
  }

  /** Applies {@code manifest} as the admin. */
  private static void apply(String manifest) throws IOException {
    Path file = Files.createTempFile(dir, "manifest-", ".yaml");
    Files.writeString(file, manifest);
    ServerCli.run(server.port(), OPS, 0, "apply", "-f", file.toString());
  }

  private static SandboxAttacks.HostFacts hostFacts() throws IOException {
    marker = Path.of("/tmp", "bastion-attack-marker-" + UUID.randomUUID());
    Files.writeString(marker, "host only\n");
    Path stateMarker = dir.resolve("state/sandboxes/host-only-marker");
    Files.writeString(stateMarker, "host only\n");
    loopbackListener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    anyListener = new ServerSocket(0, 50);
    return new SandboxAttacks.HostFacts(
        marker.toString(),
        stateMarker.toString(),
        loopbackListener.getLocalPort(),
        hostAddress(),
        anyListener.getLocalPort(),
        server.port(),
        System.getProperty("os.version"));
  }

  /** An IPv4 address of one of the host's own interfaces, other than loopback. */
  private static String hostAddress() throws IOException {
    return NetworkInterface.networkInterfaces()
        .filter(
            i -> {
              try {
                return i.isUp() && !i.isLoopback();
              } catch (IOException e) {
                return false;
              }
            })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address)
        .map(InetAddress::getHostAddress)
        .findFirst()
        .orElseThrow(() -> new IOException("the host has no IPv4 address besides loopback"));
  }

  @AfterAll
  static void stop() throws Exception {
    SandboxHost.keepLogs(dir.resolve("state"), Path.of("target", "attack-suite-logs"));
    if (api != null) {
      Api.deleteAllSandboxes(List.of(alice, bob, carol, eve));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    for (ServerSocket listener : Arrays.asList(loopbackListener, anyListener)) {
      if (listener != null) {
        listener.close();
      }
    }
    if (marker != null) {
      Files.deleteIfExists(marker);
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  // ------------------------------------------------------------- inside the sandbox

  static Stream<SandboxAttacks.Attack> attacks() {
    return SandboxAttacks.ALL.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void insideTheSandbox(SandboxAttacks.Attack attack) {
    RunResult result = Api.run(alice, target, "python3", "-c", attack.script(host));
    assertThat(result.getStdout().toStringUtf8())
        .as("stderr: %s", result.getStderr().toStringUtf8())
        .isEqualTo(attack.expected());
    assertThat(result.getExitCode()).isZero();
  }

  /**
   * The agent's code cannot touch its socket directory (a row of the table); here the host plays a
   * sandbox that got past that and pointed its socket at another sandbox's sandboxd. That sandboxd
   * refuses the first sandbox's token, so the call reaches nothing and the sandbox is unavailable.
   */
  @Test
  void aSocketLeadingToAnotherSandboxsSandboxdIsRefusedThere() throws IOException {
    String redirected = Api.create(alice, "python").getId();
    Path sandboxes = dir.resolve("state/sandboxes");
    Path bobsDir = sandboxes.resolve(SandboxHost.hostKey("bob", bobBox));
    Path socket =
        sandboxes.resolve(SandboxHost.hostKey("alice", redirected)).resolve("run/sandboxd.sock");
    Files.delete(socket);
    Files.createSymbolicLink(socket, bobsDir.resolve("run/sandboxd.sock"));

    assertThatThrownBy(() -> Api.run(alice, redirected, "touch", "/workspace/redirected"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("is not its sandboxd");
            });
    assertThat(bobsDir.resolve("workspace/redirected")).doesNotExist();
    assertThat(Api.run(bob, bobBox, "true").getExitCode()).isZero();
  }

  /**
   * The agent's code cannot write its container's standard streams (a row of the table); here the
   * host plays a container that got past that, or a sandboxd made to log without end, and appends 4
   * MiB to the host's container log while the runtime holds it open. A pass of the controller
   * rotates it: the log is back within its cap, its newest mebibyte is in container.log.1, and the
   * sandbox goes on serving.
   */
  @Test
  void aContainerLogWrittenPastItsCapIsRotated() throws Exception {
    String chatty = Api.create(alice, "python").getId();
    Path log =
        dir.resolve("state/sandboxes")
            .resolve(SandboxHost.hostKey("alice", chatty))
            .resolve("container.log");
    Path rotated = log.resolveSibling("container.log.1");
    String lastLine = "the last line of " + chatty + "\n";
    try (FileChannel container =
        FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer line = ByteBuffer.wrap(("x".repeat(1023) + "\n").getBytes(UTF_8));
      for (int i = 0; i < 4096; i++) {
        container.write(line.rewind());
      }
      container.write(ByteBuffer.wrap(lastLine.getBytes(UTF_8)));
    }

    awaitCondition(
        () -> Files.exists(rotated) && sizeOf(log) <= EmbeddedPods.LOG_CAP_BYTES,
        "the container log is rotated");
    assertThat(Files.size(rotated)).isEqualTo(EmbeddedPods.LOG_CAP_BYTES);
    assertThat(Files.readString(rotated)).contains(lastLine);
    assertThat(Api.run(alice, chatty, "true").getExitCode()).isZero();
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aSandboxCannotReadAnotherSandboxsWorkspace() {
    String secret = "marker-" + UUID.randomUUID();
    write(alice, target, secret, "alice's secret\n");
    Path hostCopy =
        dir.resolve("state/sandboxes")
            .resolve(SandboxHost.hostKey("alice", target))
            .resolve("workspace/" + secret);
    assertThat(hostCopy).as("the marker is where the host keeps alice's workspace").exists();
    String program =
        """
        import glob
        attempts = {
            'by its host path': '{HOST_PATH}',
            'through ../ of /workspace': '/workspace/../{ID}/workspace/{NAME}',
            'through ../.. of /workspace': '/workspace/../../sandboxes/{ID}/workspace/{NAME}',
            'through /proc/*/root': glob.glob('/proc/*/root/workspace/{NAME}'),
            'through /proc/*/cwd': glob.glob('/proc/*/cwd/{NAME}'),
        }
        for label, path in attempts.items():
            paths = path if isinstance(path, list) else [path]
            outcomes = {attempt(lambda: read(p)) for p in paths} or {'ENOENT'}
            expect(label, outcomes, {'ENOENT'})
        found = [os.path.join(d, f) for d, _, fs in os.walk('/')
                 if not d.startswith(('/proc', '/sys')) for f in fs if f == '{NAME}']
        expect('anywhere in the sandbox', found, [])
        """
            .replace("{HOST_PATH}", hostCopy.toString())
            .replace("{ID}", target)
            .replace("{NAME}", secret);
    RunResult result =
        Api.run(bob, bobBox, "python3", "-c", SandboxAttacks.PRELUDE + program.strip());
    assertThat(result.getStdout().toStringUtf8())
        .as("stderr: %s", result.getStderr().toStringUtf8())
        .isEqualTo(
            """
            by its host path: ok
            through ../ of /workspace: ok
            through ../.. of /workspace: ok
            through /proc/*/root: ok
            through /proc/*/cwd: ok
            anywhere in the sandbox: ok
            """);
    Api.run(bob, bobBox, "ln", "-s", hostCopy.toString(), "/workspace/alice-link");
    for (String path :
        List.of(
            hostCopy.toString(),
            "../" + target + "/workspace/" + secret,
            "/workspace/../../sandboxes/" + target + "/workspace/" + secret,
            "alice-link")) {
      assertStatus(() -> read(bob, bobBox, path), Status.Code.INVALID_ARGUMENT, "outside");
    }
  }

  // ------------------------------------------------------------- exhausting resources

  @Test
  void forkBomb() throws Exception {
    Containment.forkBomb(alice, Api.create(alice, "python").getId(), target);
  }

  @Test
  void memoryBomb() {
    Containment.memoryBomb(alice, Api.create(alice, "python").getId());
  }

  /** A program that writes 1 MiB blocks to FILE until an error or LIMIT MiB. */
  static final String FILL =
      """
      block, written = b'x' * (1 << 20), 0
      try:
          with open('FILE', 'wb') as f:
              while written < (LIMIT << 20):
                  f.write(block)
                  f.flush()
                  written += len(block)
          print('no error after', written >> 20, 'MiB')
      except OSError as e:
          print(errno.errorcode[e.errno], 'after', written >> 20, 'MiB')
      """;

  static String fill(String file, int limitMiB) {
    return SandboxAttacks.PRELUDE
        + FILL.replace("FILE", file).replace("LIMIT", Integer.toString(limitMiB));
  }

  @Test
  void fillingTmpEndsInNoSpaceLeft() {
    RunResult result = Api.run(alice, target, "python3", "-c", fill("/tmp/fill", 1024));
    // The default /tmp is a 256 MiB tmpfs.
    assertThat(result.getStdout().toStringUtf8()).matches("ENOSPC after 25[56] MiB\n");
    assertThat(Api.run(alice, target, "rm", "/tmp/fill").getExitCode()).isZero();
    assertThat(Api.run(alice, target, "sh", "-c", "echo ok > /tmp/after").getExitCode()).isZero();
  }

  /**
   * Needs the per-sandbox workspace quota (a loop-mounted ext4 sized by the claim): until it lands
   * the write goes on into the host's disk, and this fails after 64 MiB.
   */
  @Test
  void fillingTheWorkspaceEndsInNoSpaceLeft() throws Exception {
    String small = Api.create(alice, "attack-small").getId();
    RunResult result = Api.run(alice, small, "python3", "-c", fill("/workspace/fill", 64));
    String out = result.getStdout().toStringUtf8();
    assertThat(out).as("a 32Mi workspace claim").startsWith("ENOSPC after ");
    assertThat(Integer.parseInt(out.split(" ")[2])).isLessThanOrEqualTo(32);
    assertThat(Api.run(alice, small, "rm", "/workspace/fill").getExitCode()).isZero();
    assertThat(Api.run(alice, small, "sh", "-c", "echo ok > /workspace/after").getExitCode())
        .isZero();
    assertGatewayHealthy(api, server.port(), alice, target);
  }

  @Test
  void gigabytesOfOutputThroughRunAreCutAtTheCap() throws Exception {
    RunResult result =
        // A gigabyte: sandboxd reads it all and drops what is past the cap, at gVisor's pipe speed
        // (2 GiB took 45 s to over 120 s here, the call's deadline, as the machine's load went).
        Api.run(alice, target, "sh", "-c", "head -c 1073741824 /dev/zero; echo done >&2");
    assertThat(result.getExitCode()).isZero();
    assertThat(result.getTruncated()).isTrue();
    assertThat(result.getStdout().size()).as("sandboxd's Run cap").isEqualTo(1 << 20);
    assertThat(result.getStderr().toStringUtf8()).isEqualTo("done\n");
    assertGatewayHealthy(api, server.port(), alice, target);
  }

  @Test
  void gigabytesOfOutputThroughExecReachAReadingClient() throws Exception {
    long size = 1L << 30;
    CompletableFuture<ExecEvent> exited = new CompletableFuture<>();
    AtomicLong received = new AtomicLong();
    ClientCall<ExecRequest, ExecEvent> call = alice.newCall(Api.EXEC, Api.deadline(300));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(ExecEvent event) {
            received.addAndGet(event.getStdout().size());
            if (event.hasExited()) {
              exited.complete(event);
            }
            call.request(1);
          }

          @Override
          public void onClose(Status status, io.grpc.Metadata trailers) {
            exited.completeExceptionally(status.asRuntimeException());
          }
        },
        new io.grpc.Metadata());
    call.request(1);
    call.sendMessage(start(target, "head", "-c", Long.toString(size), "/dev/zero"));
    call.halfClose();
    ExecEvent last = exited.get(300, TimeUnit.SECONDS);
    assertThat(last.getExited().getExitCode()).isZero();
    assertThat(received.get()).isEqualTo(size);
    assertGatewayHealthy(api, server.port(), alice, target);
  }

  // ------------------------------------------------------------- the Files API

  @Test
  void filesThroughASymlinkToProcSelfRootAreRefused() {
    Api.run(alice, target, "ln", "-sfn", "/proc/self/root", "/workspace/selfroot");
    assertAllRefused(
        List.of(
            "selfroot/etc/passwd",
            "selfroot/tmp/x",
            "selfroot/proc/1/root/etc/passwd",
            "/workspace/selfroot/../selfroot/etc/hostname"));
    assertStatus(
        () -> listFiles(alice, target, "selfroot"), Status.Code.INVALID_ARGUMENT, "outside");
  }

  @Test
  void symlinkLoopsEndInABoundedRefusal() {
    Api.run(
        alice,
        target,
        "sh",
        "-c",
        "cd /workspace && ln -sfn loop-b loop-a && ln -sfn loop-a loop-b && ln -sfn self self"
            + " && mkdir -p cycle && ln -sfn .. cycle/up");
    for (String path : List.of("loop-a", "loop-b/x", "self", "self/self/x")) {
      assertStatus(
          () -> read(alice, target, path),
          Status.Code.INVALID_ARGUMENT,
          "too many levels of symbolic links");
    }
    // A cycle through a directory link: listed as a link, never walked into.
    List<String> listed =
        Api.call(
                alice,
                Api.LIST_FILES,
                ListFilesRequest.newBuilder()
                    .setSandboxId(target)
                    .setPath("cycle")
                    .setDepth(10)
                    .build())
            .getFilesList()
            .stream()
            .map(dev.bastion.api.v1.FileInfo::getPath)
            .toList();
    assertThat(listed).containsExactly("/workspace/cycle/up");
  }

  @Test
  void absoluteSymlinksMadeInsideAreRefused() {
    Api.run(
        alice,
        target,
        "sh",
        "-c",
        "cd /workspace && ln -sfn /etc/shadow shadow && ln -sfn /tmp tmpdir && ln -sfn / root"
            + " && ln -sfn ../../../../etc up-etc");
    assertAllRefused(List.of("tmpdir/x", "root/etc/passwd", "up-etc/passwd", "root/tmp/x"));
    for (String link : List.of("shadow", "/workspace/root", "up-etc")) {
      assertStatus(() -> read(alice, target, link), Status.Code.INVALID_ARGUMENT, "");
      assertStatus(() -> watch(alice, target, link), Status.Code.INVALID_ARGUMENT, "");
    }
    assertStatus(
        () -> write(alice, target, "tmpdir/planted", "x"), Status.Code.INVALID_ARGUMENT, "outside");
    assertThat(Api.run(alice, target, "test", "-e", "/tmp/planted").getExitCode())
        .as("nothing was planted in /tmp")
        .isNotZero();
  }

  /**
   * A Write replaces the entry at its path (temp file, then rename): a link there is replaced by a
   * file in the workspace, and what it pointed at is not touched. An append opens the target, so
   * the link must stay inside.
   */
  @Test
  void aWriteToALinkReplacesTheLinkNotItsTarget() {
    Api.run(
        alice,
        target,
        "sh",
        "-c",
        "echo outside > /tmp/outside.txt && ln -sfn /tmp/outside.txt /workspace/to-outside"
            + " && ln -sfn /tmp/evil /workspace/dangling");
    for (String link : List.of("to-outside", "dangling")) {
      assertStatus(
          () -> append(alice, target, link, "appended"), Status.Code.INVALID_ARGUMENT, "outside");
    }
    write(alice, target, "to-outside", "replaced\n");
    write(alice, target, "dangling", "replaced\n");
    RunResult after =
        Api.run(
            alice,
            target,
            "sh",
            "-c",
            "cat /tmp/outside.txt; test -e /tmp/evil || echo no-evil;"
                + " test -L /workspace/to-outside || cat /workspace/to-outside");
    assertThat(after.getStdout().toStringUtf8()).isEqualTo("outside\nno-evil\nreplaced\n");
  }

  @Test
  void pathsWithNulAreRefused() {
    String path = "notes\u0000/../../etc/passwd";
    assertStatus(() -> read(alice, target, path), Status.Code.INVALID_ARGUMENT, "NUL");
    assertStatus(() -> write(alice, target, path, "x"), Status.Code.INVALID_ARGUMENT, "NUL");
    assertStatus(() -> stat(alice, target, path), Status.Code.INVALID_ARGUMENT, "NUL");
    assertStatus(() -> remove(alice, target, path, true), Status.Code.INVALID_ARGUMENT, "NUL");
  }

  @Test
  void veryLongPathsAreRefused() {
    for (String path :
        List.of("a".repeat(4097), "d/".repeat(3000), "x".repeat(1 << 20), "é".repeat(2049))) {
      assertStatus(
          () -> read(alice, target, path), Status.Code.INVALID_ARGUMENT, "longer than 4096 bytes");
      assertStatus(
          () -> mkdir(alice, target, path, true),
          Status.Code.INVALID_ARGUMENT,
          "longer than 4096 bytes");
    }
    // Just under the limit, but deeper than a file name may be long: a clear status, no crash.
    String deep = "/workspace/" + "d".repeat(255) + "/" + "e".repeat(300);
    assertThatThrownBy(() -> mkdir(alice, target, deep, true))
        .satisfies(e -> assertCleanStatus(Status.fromThrowable(e), dir));
  }

  @Test
  void movesOutOfOrIntoTheOutsideAreRefused() {
    write(alice, target, "movable.txt", "m");
    Api.run(alice, target, "ln", "-sfn", "/tmp", "/workspace/tmplink");
    for (String[] move :
        List.of(
            new String[] {"/etc/passwd", "passwd"},
            new String[] {"movable.txt", "../movable.txt"},
            new String[] {"movable.txt", "/tmp/movable.txt"},
            new String[] {"movable.txt", "tmplink/movable.txt"})) {
      assertStatus(
          () -> move(alice, target, move[0], move[1]), Status.Code.INVALID_ARGUMENT, "outside");
    }
    assertThat(Api.run(alice, target, "test", "-e", "/tmp/movable.txt").getExitCode()).isNotZero();
    assertThat(read(alice, target, "movable.txt")).isEqualTo("m");
  }

  @Test
  void removesReachNothingOutside() {
    Api.run(
        alice,
        target,
        "sh",
        "-c",
        "mkdir -p /tmp/keep && echo kept > /tmp/keep/f && ln -sfn /tmp/keep /workspace/keeplink");
    for (String path : List.of("../etc/passwd", "/tmp/keep/f", "keeplink/f")) {
      assertStatus(
          () -> remove(alice, target, path, true), Status.Code.INVALID_ARGUMENT, "outside");
    }
    assertStatus(
        () -> remove(alice, target, "/workspace/..", true), Status.Code.INVALID_ARGUMENT, "");
    assertStatus(
        () -> remove(alice, target, "/workspace", true),
        Status.Code.INVALID_ARGUMENT,
        "refusing to remove /workspace");
    // Removing the link recursively removes the link, not what it points at.
    remove(alice, target, "keeplink", true);
    assertThat(Api.run(alice, target, "cat", "/tmp/keep/f").getStdout().toStringUtf8())
        .isEqualTo("kept\n");
  }

  /**
   * Not a boundary, and the test says so: a process can swap a link between a check and a use. What
   * the race can win is a file the sandbox's own user reads inside gVisor anyway.
   */
  @Test
  void aSymlinkSwapRaceReachesOnlyWhatTheSandboxCouldReadAnyway() throws Exception {
    String swapper =
        """
        import os, time
        os.chdir('/workspace')
        open('/tmp/inside-only', 'w').write('sandbox tmp\\n')
        open('inner.txt', 'w').write('inner\\n')
        end = time.time() + 12
        while time.time() < end:
            for target in ('inner.txt', '/tmp/inside-only'):
                os.symlink(target, 'swap.new')
                os.replace('swap.new', 'swap')
        """;
    CompletableFuture<RunResult> swapping =
        CompletableFuture.supplyAsync(() -> Api.run(alice, target, "python3", "-c", swapper));
    awaitCondition(
        () -> Api.run(alice, target, "test", "-L", "/workspace/swap").getExitCode() == 0,
        "the swapper runs");
    Map<String, Integer> outcomes = new java.util.TreeMap<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
    while (System.nanoTime() < end) {
      String outcome;
      try {
        outcome = read(alice, target, "swap");
      } catch (StatusRuntimeException e) {
        outcome = e.getStatus().getCode().toString();
      }
      outcomes.merge(outcome, 1, Integer::sum);
    }
    swapping.get(60, TimeUnit.SECONDS);
    System.out.println("symlink swap race, outcomes of Files.Read: " + outcomes);
    assertThat(outcomes.keySet())
        .isSubsetOf("inner\n", "sandbox tmp\n", "INVALID_ARGUMENT", "NOT_FOUND");
    assertThat(outcomes).containsKey("inner\n");
  }

  // ------------------------------------------------------------- policy bypasses

  static Stream<List<String>> caughtByTheArgvRule() {
    return Stream.of(
        List.of("curl", "http://1.1.1.1"),
        List.of("sh", "-c", "curl http://1.1.1.1"),
        List.of("env", "curl", "http://1.1.1.1"),
        List.of("/usr/bin/curl", "http://1.1.1.1"),
        List.of("sh", "-c", "true;curl http://1.1.1.1"),
        List.of("xargs", "wget"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caughtByTheArgvRule")
  void policyCatches(List<String> argv) {
    assertStatus(
        () -> Api.run(eve, eveBox, argv.toArray(String[]::new)),
        Status.Code.PERMISSION_DENIED,
        "denied by rule \"no-network-tools\" of ToolPolicy \"agents\"");
  }

  /**
   * Argument smuggling that no rule over argv can catch: the command the process finally runs is
   * computed inside the sandbox. What contains it is the runtime: no curl in the image, no network.
   */
  static Stream<Map.Entry<List<String>, Map<String, String>>> beyondTheArgvRule() {
    return Stream.of(
        Map.entry(
            List.of("python3", "-c", "import os; os.system('curl http://1.1.1.1')"), Map.of()),
        Map.entry(List.of("sh", "-c", "c''url http://1.1.1.1"), Map.of()),
        Map.entry(List.of("sh", "-c", "$T http://1.1.1.1"), Map.of("T", "curl")),
        Map.entry(List.of("sh", "-c", "$(echo Y3VybA== | base64 -d) http://1.1.1.1"), Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("beyondTheArgvRule")
  void policyCannotCatchButTheSandboxContains(Map.Entry<List<String>, Map<String, String>> call) {
    RunResult result =
        Api.call(
            eve,
            Api.RUN,
            RunRequest.newBuilder()
                .setSandboxId(eveBox)
                .addAllArgv(call.getKey())
                .putAllEnv(call.getValue())
                .build());
    assertThat(result.getStderr().toStringUtf8()).as("allowed, but no curl").contains("curl");
    assertThat(result.getStderr().toStringUtf8()).contains("not found");
    assertThat(result.getExitCode() == 127 || result.getStdout().isEmpty()).isTrue();
  }

  @Test
  void aNetworkToolThePolicyDoesNotNameFindsNoNetwork() {
    RunResult result =
        Api.run(
            eve,
            eveBox,
            "python3",
            "-c",
            "import urllib.request\n"
                + "try:\n"
                + "    urllib.request.urlopen('http://1.1.1.1', timeout=5)\n"
                + "except OSError as e:\n"
                + "    print(type(e.reason).__name__, e.reason.errno)\n");
    assertThat(result.getStdout().toStringUtf8()).isIn("OSError 101\n", "OSError 113\n");
  }

  @Test
  void aPathRuleHoldsForDotsAndDoubleSlashes() {
    Api.run(
        eve, eveBox, "sh", "-c", "mkdir -p /workspace/secrets && echo k > /workspace/secrets/k");
    for (String path :
        List.of(
            "./secrets/k",
            "x/../secrets/k",
            "/workspace/./secrets/k",
            "secrets//k",
            "/workspace//secrets/k",
            "secrets/./k",
            "/workspace/secrets/../secrets/k")) {
      assertStatus(() -> read(eve, eveBox, path), Status.Code.PERMISSION_DENIED, "no-secrets");
      assertStatus(
          () -> write(eve, eveBox, path, "x"), Status.Code.PERMISSION_DENIED, "no-secrets");
    }
    assertStatus(() -> stat(eve, eveBox, "./secrets"), Status.Code.PERMISSION_DENIED, "no-secrets");
    assertStatus(
        () -> remove(eve, eveBox, "x/../secrets", true),
        Status.Code.PERMISSION_DENIED,
        "no-secrets");
  }

  @Test
  void aMoveIntoOrOutOfAProtectedDirectoryIsDenied() {
    write(eve, eveBox, "note.txt", "n");
    assertStatus(
        () -> move(eve, eveBox, "note.txt", "./secrets/note.txt"),
        Status.Code.PERMISSION_DENIED,
        "no-secrets");
    assertStatus(
        () -> move(eve, eveBox, "secrets/../secrets/k", "stolen"),
        Status.Code.PERMISSION_DENIED,
        "no-secrets");
    assertThat(read(eve, eveBox, "note.txt")).isEqualTo("n");
  }

  /**
   * The documented limit of path rules: a link the sandbox makes is its own business, and the
   * policy does not follow it. The files are the sandbox's own; its processes read them anyway.
   */
  @Test
  void aSymlinkMadeInsideGoesAroundAPathRule() {
    Api.run(
        eve, eveBox, "sh", "-c", "mkdir -p /workspace/secrets && echo k > /workspace/secrets/k");
    Api.run(eve, eveBox, "ln", "-sfn", "secrets", "/workspace/open");
    assertThat(read(eve, eveBox, "open/k")).isEqualTo("k\n");
    assertThat(Api.run(eve, eveBox, "cat", "secrets/k").getStdout().toStringUtf8())
        .isEqualTo("k\n");
  }

  /**
   * Policy decides a call on its first message, and sandboxd acted on the last one it got: a second
   * message carried a call nobody had checked (found by this suite, fixed in the gateway).
   */
  @Test
  void aSecondRequestMessageCannotSmuggleACallPastPolicy() throws Exception {
    Api.run(
        eve, eveBox, "sh", "-c", "mkdir -p /workspace/secrets && echo k > /workspace/secrets/k");
    write(eve, eveBox, "ok.txt", "ok\n");
    io.grpc.MethodDescriptor<RunRequest, RunResult> runStreaming =
        Api.RUN.toBuilder().setType(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING).build();
    RunRequest allowed = RunRequest.newBuilder().setSandboxId(eveBox).addArgv("true").build();
    RunRequest denied =
        RunRequest.newBuilder()
            .setSandboxId(eveBox)
            .addAllArgv(List.of("sh", "-c", "echo ran > /workspace/smuggled; curl http://1.1.1.1"))
            .build();
    assertStatus(
        () -> twoMessages(eve, runStreaming, allowed, denied),
        Status.Code.INVALID_ARGUMENT,
        "takes exactly one request message");
    assertThat(Api.run(eve, eveBox, "test", "-e", "/workspace/smuggled").getExitCode())
        .as("the smuggled command did not run")
        .isNotZero();
    io.grpc.MethodDescriptor<dev.bastion.api.v1.ReadFileRequest, dev.bastion.api.v1.FileChunk>
        readStreaming =
            Api.READ.toBuilder()
                .setType(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
                .build();
    assertStatus(
        () ->
            twoMessages(
                eve,
                readStreaming,
                dev.bastion.api.v1.ReadFileRequest.newBuilder()
                    .setSandboxId(eveBox)
                    .setPath("ok.txt")
                    .build(),
                dev.bastion.api.v1.ReadFileRequest.newBuilder()
                    .setSandboxId(eveBox)
                    .setPath("secrets/k")
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "takes exactly one request message");
    io.grpc.MethodDescriptor<CreateSandboxRequest, Sandbox> createStreaming =
        Api.CREATE.toBuilder()
            .setType(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING)
            .build();
    CreateSandboxRequest create = CreateSandboxRequest.newBuilder().setTemplate("python").build();
    assertStatus(
        () -> twoMessages(eve, createStreaming, create, create),
        Status.Code.INVALID_ARGUMENT,
        "takes exactly one request message");
    assertThat(
            Api.call(eve, Api.LIST, ListSandboxesRequest.getDefaultInstance()).getSandboxesList())
        .as("one call, no sandboxes made behind the caller's back")
        .extracting(Sandbox::getId)
        .containsExactly(eveBox);
  }

  @Test
  void aSandboxThePolicyForbidsIsNotCreatedThroughGrpcOrApply() throws IOException {
    assertStatus(
        () ->
            Api.call(
                eve,
                Api.CREATE,
                CreateSandboxRequest.newBuilder()
                    .setTemplate("python")
                    .putLabels("tier", "gpu")
                    .build()),
        Status.Code.PERMISSION_DENIED,
        "no-gpu");
    Path manifest = dir.resolve("gpu-sandbox.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: agents.x-k8s.io/v1beta1
        kind: Sandbox
        metadata: {name: gpu, labels: {tier: gpu}}
        spec:
          podTemplate: {spec: {runtimeClassName: gvisor, containers: [{name: main, image: bastion/python}]}}
        """);
    assertThat(ServerCli.run(server.port(), EVE, 1, "apply", "-f", manifest.toString())[1])
        .contains("no-gpu");
    assertThat(
            Api.call(eve, Api.LIST, ListSandboxesRequest.getDefaultInstance()).getSandboxesList())
        .extracting(Sandbox::getId)
        .containsExactly(eveBox);
  }

  // ------------------------------------------------------------- afterwards

  @Test
  @Order(Integer.MAX_VALUE)
  void afterTheSuiteTheGatewayIsHealthyAndTheBystanderUnharmed() throws Exception {
    assertGatewayHealthy(api, server.port(), alice, target);
    assertThat(Api.run(alice, target, "python3", "-c", "print(6*7)").getStdout().toStringUtf8())
        .isEqualTo("42\n");
    bystander.assertUnharmed(carol);
  }

  // ------------------------------------------------------------- helpers

  private void assertAllRefused(List<String> paths) {
    List<String> failures = new ArrayList<>();
    for (String path : paths) {
      for (Function<String, Object> call :
          List.<Function<String, Object>>of(
              p -> read(alice, target, p),
              p -> write(alice, target, p, "x"),
              p -> mkdir(alice, target, p, true),
              p -> watch(alice, target, p))) {
        try {
          call.apply(path);
          failures.add(path + ": allowed");
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
            failures.add(path + ": " + e.getStatus());
          }
        }
      }
    }
    assertThat(failures).isEmpty();
  }
}
