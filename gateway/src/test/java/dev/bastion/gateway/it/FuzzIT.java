package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.MethodDescriptor;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated protobuf requests to every RPC of Sandboxes, Processes, Files and Contexts
 * (the method list comes from the generated service descriptors): valid messages with fields
 * mutated, random messages, truncated and bit-flipped encodings, random bytes of random lengths,
 * length prefixes that lie, extra messages on one-request calls; then raw gRPC frames whose flag
 * and length prefix are random. Every call must end with a status the server sent, in bounded time,
 * never UNKNOWN, INTERNAL only without details, never a reset stream; the gateway must stay
 * healthy.
 *
 * <p>The seed is printed; {@code -Dfuzz.seed=N} replays a run and {@code -Dfuzz.calls=N} changes
 * the calls per RPC. The fuzzing tenant's ToolPolicy keeps it from deleting, suspending or resuming
 * its sandbox and from making more than two, so the run exercises the handlers rather than cold
 * starts.
 */
class FuzzIT {

  static final String FUZZER = "fuzz-tenant-token-0123456789";
  static final String OPS = "fuzz-ops-token-0123456789";
  static final long DEFAULT_SEED = 20261127L;
  static final Duration DEADLINE = Duration.ofSeconds(15);

  /**
   * A valid Contexts.Create starts a Jupyter kernel, about 4 s of CPU under gVisor here
   * (docs/BENCHMARKS.md); eight fuzzed ones at once on two cores take longer than {@link #DEADLINE}
   * by design, so that method gets the kernel start timeout sandboxd itself allows, and more.
   */
  static final Duration KERNEL_START_DEADLINE = Duration.ofSeconds(75);

  static final int RAW_FRAMES_PER_RPC = 20;

  static final String POLICY =
      """
      apiVersion: bastion.dev/v1alpha1
      kind: ToolPolicy
      metadata: {name: fuzzing}
      spec:
        tenants: [fuzzer]
        rules:
        - name: keep-the-target
          when: call.tool in ["sandboxes.delete", "sandboxes.suspend", "sandboxes.resume", "sandboxes.snapshot"]
          action: Deny
        limits: {maxSandboxes: 2, maxExecSeconds: 5}
      """;

  /**
   * The target's template: the default python one with room for the eight kernels a sandbox may
   * hold. Each costs ~58 MiB of the sandbox's memory (docs/BENCHMARKS.md), so eight fuzzed
   * Contexts.Create calls that succeed take a 512Mi sandbox past its limit, as they should, and
   * would leave nothing to fuzz the rest of Contexts against.
   */
  static final String TEMPLATE =
      """
      apiVersion: extensions.agents.x-k8s.io/v1beta1
      kind: SandboxTemplate
      metadata: {name: fuzz-python}
      spec:
        podTemplate:
          spec:
            runtimeClassName: gvisor
            containers:
            - name: main
              image: bastion/python
              resources:
                limits: {cpu: "1", memory: 1536Mi}
      """;

  @TempDir static Path dir;
  static BlockedThreadWarnings blocked;
  static BastionServer server;
  static Api api;
  static RawGrpc raw;
  static Channel fuzzer;
  static String target;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    blocked = new BlockedThreadWarnings();
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, FUZZER + " fuzzer\n" + OPS + " ops admin\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 0);
    api = new Api(server.port());
    raw = new RawGrpc(server.port());
    fuzzer = api.as(FUZZER);
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY + "---\n" + TEMPLATE);
    ServerCli.run(server.port(), OPS, 0, "apply", "-f", policy.toString());
    target = Api.create(fuzzer, "fuzz-python").getId();
  }

  @AfterAll
  static void stop() throws Exception {
    // The policy keeps the fuzzer from deleting its sandboxes; their containers go below.
    if (api != null) {
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

  @Test
  void everyRpcAnswersFuzzedRequestsWithACleanStatus() throws Exception {
    long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
    int calls = Integer.getInteger("fuzz.calls", 300);
    System.out.printf(
        "FuzzIT: seed %d (replay with -Dfuzz.seed=%d), %d calls and %d raw frames per RPC%n",
        seed, seed, calls, RAW_FRAMES_PER_RPC);
    ProtoFuzzer cases = new ProtoFuzzer(seed);
    Random frames = new Random(seed);
    List<String> failures = new ArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    ExecutorService rawCallers = Executors.newFixedThreadPool(64);
    long started = System.nanoTime();
    try {
      for (MethodDescriptor method : Rpcs.all()) {
        long methodStarted = System.nanoTime();
        // Cases come from the seed in order, so a run replays whatever order the calls finish in.
        List<ProtoFuzzer.Case> batch =
            IntStream.range(0, calls).mapToObj(i -> cases.next(method, target)).toList();
        Duration deadline =
            method.getFullName().equals("bastion.v1.Contexts.Create")
                ? KERNEL_START_DEADLINE
                : DEADLINE;
        List<Future<ByteCalls.Outcome>> outcomes = new ArrayList<>();
        for (ProtoFuzzer.Case fuzzed : batch) {
          outcomes.add(
              callers.submit(() -> ByteCalls.call(fuzzer, method, fuzzed.messages(), deadline)));
        }
        Map<String, Integer> codes = new TreeMap<>();
        for (int i = 0; i < batch.size(); i++) {
          ByteCalls.Outcome outcome =
              outcomes.get(i).get(2 * deadline.toSeconds(), TimeUnit.SECONDS);
          codes.merge(outcome.status().getCode().toString(), 1, Integer::sum);
          String problem = problem(outcome);
          if (problem != null) {
            failures.add(
                String.format(
                    "%s case %d (%s): %s: %s",
                    method.getFullName(), i, batch.get(i).kind(), problem, outcome));
          }
        }
        System.out.printf(
            "FuzzIT: %-28s %4d ms  %s%n",
            method.getFullName(), (System.nanoTime() - methodStarted) / 1_000_000, codes);
        assertServing();
      }
      // Frames Vert.x cannot read are answered only when the gateway stops waiting for a
      // message, so they go all at once.
      long rawStarted = System.nanoTime();
      List<Future<String>> rawProblems = new ArrayList<>();
      for (MethodDescriptor method : Rpcs.all()) {
        for (int i = 0; i < RAW_FRAMES_PER_RPC; i++) {
          RawFrame frame = RawFrame.next(frames);
          int number = i;
          rawProblems.add(
              rawCallers.submit(
                  () -> {
                    String problem = frame.problem(method);
                    return problem == null
                        ? null
                        : method.getFullName() + " raw frame " + number + ": " + problem;
                  }));
        }
      }
      for (Future<String> problem : rawProblems) {
        String found = problem.get(3 * DEADLINE.toSeconds(), TimeUnit.SECONDS);
        if (found != null) {
          failures.add(found);
        }
      }
      System.out.printf(
          "FuzzIT: %d raw frames in %d ms%n",
          rawProblems.size(), (System.nanoTime() - rawStarted) / 1_000_000);
      assertServing();
    } finally {
      callers.shutdownNow();
      rawCallers.shutdownNow();
    }
    System.out.printf(
        "FuzzIT: %d RPCs in %d s, %d failures%n",
        Rpcs.all().size(), (System.nanoTime() - started) / 1_000_000_000, failures.size());
    failures.stream().limit(50).forEach(f -> System.out.println("FuzzIT failure: " + f));
    assertThat(failures).isEmpty();
    assertThat(Api.run(fuzzer, target, "python3", "-c", "print(6*7)").getStdout().toStringUtf8())
        .as("the fuzzed sandbox still works")
        .isEqualTo("42\n");
  }

  /** What is wrong with how a call ended, or null when nothing is. */
  static String problem(ByteCalls.Outcome outcome) {
    Status status = outcome.status();
    String message = status.getDescription() == null ? "" : status.getDescription();
    if (!outcome.answered()) {
      return "no answer before the deadline";
    }
    if (status.getCode() == Status.Code.UNKNOWN) {
      return "UNKNOWN";
    }
    if (status.getCode() == Status.Code.CANCELLED) {
      return "the server reset the stream instead of answering with a status";
    }
    // sandboxd names the client's own path when the file system fails it.
    if (status.getCode() == Status.Code.INTERNAL
        && !message.equals("internal error")
        && !message.startsWith("I/O error on /workspace")) {
      return "INTERNAL with details";
    }
    if (message.contains("Exception")
        || message.contains("\tat ")
        || message.contains(".java:")
        || message.contains(dir.toString())) {
      return "internals in the message";
    }
    return null;
  }

  /**
   * One raw frame: a random compressed flag, a length prefix that is the truth, a little off, or
   * anything up to 4 GiB, and up to 1 KiB of random payload.
   */
  record RawFrame(int flag, long length, byte[] payload) {

    static RawFrame next(Random random) {
      byte[] payload = new byte[random.nextInt(1024)];
      random.nextBytes(payload);
      int[] flags = {0, 0, 1, 2, 255};
      long length =
          switch (random.nextInt(4)) {
            case 0 -> payload.length;
            case 1 -> Math.max(0, payload.length + random.nextInt(64) - 32);
            case 2 -> random.nextLong(1L << 32);
            default -> 0;
          };
      return new RawFrame(flags[random.nextInt(flags.length)], length, payload);
    }

    /** Sends the frame to {@code method}; what is wrong with the answer, or null. */
    String problem(MethodDescriptor method) throws InterruptedException {
      String frame = "flag " + flag + ", length " + length + ", " + payload.length + " bytes";
      RawGrpc.Answer answer;
      try {
        answer =
            raw.call(
                Rpcs.fullName(method),
                Map.of("authorization", "Bearer " + FUZZER),
                RawGrpc.frame(flag, length, payload),
                DEADLINE.plusSeconds(5));
      } catch (AssertionError e) {
        return frame + ": " + e.getMessage();
      }
      if (answer.grpcStatus() < 0) {
        return frame + ": no status, " + answer;
      }
      if (answer.grpcStatus() == Status.Code.UNKNOWN.value()) {
        return frame + ": UNKNOWN";
      }
      return null;
    }
  }

  private static void assertServing() {
    assertThat(
            HealthGrpc.newBlockingStub(api.as(null))
                .withDeadlineAfter(DEADLINE.toSeconds(), TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }
}
