package dev.bastion.loadtest;

import dev.bastion.loadtest.bench.Http2Options;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue 6's terminal benchmark (issue 7's scenario (e)). Keystroke to echo: one key typed into
 * bash, timed until its echo comes back, through the gateway's WebSocket route and directly on
 * sandboxd's pty in the same sandbox, in alternating blocks. Idle terminals: {@code --terminals}
 * WebSocket terminals, each a bash on a pty, spread over {@code --sandboxes} sandboxes, held for
 * {@code --hold-seconds}: the gateway's heap after a full GC and RSS before, when all are open and
 * at the end, terminals that ended on their own (errors: must be none), and at the end every
 * terminal must still answer {@code echo $((40+2))} with 42.
 *
 * <p>{@code java -cp loadtest/target/loadtest.jar dev.bastion.loadtest.TerminalBenchmark [--smoke]
 * [--keystrokes N] [--terminals N] [--sandboxes N] [--hold-seconds N] [--repo DIR] [--out FILE]}
 */
public final class TerminalBenchmark {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final int BLOCK = 25;
  private static final int OPENING_AT_ONCE = 20;

  private final WebSocketClient websockets;
  private final GrpcClient grpc;
  private final int port;
  private final String token;
  private final Path stateDir;

  private TerminalBenchmark(Vertx vertx, int port, String token, Path stateDir) {
    this.websockets =
        vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    this.grpc = GrpcClient.client(vertx, new GrpcClientOptions(), Http2Options.multiplexed());
    this.port = port;
    this.token = token;
    this.stateDir = stateDir;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /** Runs it; returns 0, 1 on any error (never on a timing), 2 on a bad argument. */
  public static int run(String[] args) throws Exception {
    int keystrokes = 500;
    int terminals = 1000;
    int sandboxes = 20;
    int holdSeconds = 300;
    Path repo = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> {
          keystrokes = 20;
          terminals = 4;
          sandboxes = 1;
          holdSeconds = 3;
        }
        case "--keystrokes" -> keystrokes = Integer.parseInt(args[++i]);
        case "--terminals" -> terminals = Integer.parseInt(args[++i]);
        case "--sandboxes" -> sandboxes = Integer.parseInt(args[++i]);
        case "--hold-seconds" -> holdSeconds = Integer.parseInt(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("TerminalBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    Plan plan = new Plan(keystrokes, terminals, sandboxes, holdSeconds);
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    report.put(
        "method",
        new JsonObject()
            .put("keystrokes_per_path", keystrokes)
            .put("terminals", terminals)
            .put("sandboxes", sandboxes)
            .put("hold_seconds", holdSeconds)
            .put("shell", new JsonArray(TerminalLink.SHELL)));
    return OwnServerRun.run(
        "terminals",
        repo,
        0,
        report,
        out,
        (gateway, client, state) -> {
          Vertx vertx = TerminalLink.vertx();
          try (SandboxLeases leases = SandboxLeases.create(client, plan.sandboxes())) {
            TerminalBenchmark bench =
                new TerminalBenchmark(vertx, gateway.port(), GatewayProcess.token(state), state);
            report.put(
                "keystroke_to_echo", bench.keystrokes(leases.ids().getFirst(), plan.keystrokes()));
            report.put("idle_terminals", bench.idle(gateway.pid(), leases.ids(), plan));
          } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
          }
        });
  }

  /** What the flags asked for. */
  private record Plan(int keystrokes, int terminals, int sandboxes, int holdSeconds) {}

  /** Keystroke-to-echo latency on both paths, in alternating blocks of {@value #BLOCK}. */
  private JsonObject keystrokes(String sandboxId, int count) throws Exception {
    Session viaGateway = Session.open(gatewayTerminal(sandboxId));
    Session direct =
        Session.open(
            out ->
                TerminalLink.direct(
                    grpc, BastionClient.direct(stateDir, sandboxId), sandboxId, out, reason -> {}));
    try {
      viaGateway.awaitPrompt();
      direct.awaitPrompt();
      List<Long> gatewayNanos = new ArrayList<>();
      List<Long> directNanos = new ArrayList<>();
      for (int done = 0; done < count; done += BLOCK) {
        boolean gatewayFirst = (done / BLOCK) % 2 == 0;
        int block = Math.min(BLOCK, count - done);
        (gatewayFirst ? viaGateway : direct).time(block, gatewayFirst ? gatewayNanos : directNanos);
        (gatewayFirst ? direct : viaGateway).time(block, gatewayFirst ? directNanos : gatewayNanos);
      }
      JsonObject gateway = Latencies.of(gatewayNanos);
      JsonObject sandboxd = Latencies.of(directNanos);
      return new JsonObject()
          .put("gateway", gateway)
          .put("direct", sandboxd)
          .put("ratio_p50", gateway.getDouble("p50_ms") / sandboxd.getDouble("p50_ms"))
          .put("ratio_p99", gateway.getDouble("p99_ms") / sandboxd.getDouble("p99_ms"));
    } finally {
      viaGateway.close();
      direct.close();
    }
  }

  /** Many idle terminals through the gateway, held; memory, errors, and a last sign of life. */
  private JsonObject idle(long gatewayPid, List<String> sandboxIds, Plan plan) throws Exception {
    GatewayMemory before = GatewayMemory.measure(gatewayPid);
    ConcurrentLinkedQueue<String> ended = new ConcurrentLinkedQueue<>();
    List<Session> sessions = new ArrayList<>();
    long openStart = System.nanoTime();
    try {
      for (int opened = 0; opened < plan.terminals(); opened += OPENING_AT_ONCE) {
        List<Session> batch = new ArrayList<>();
        for (int i = opened; i < Math.min(plan.terminals(), opened + OPENING_AT_ONCE); i++) {
          String sandboxId = sandboxIds.get(i % sandboxIds.size());
          batch.add(Session.open(gatewayTerminal(sandboxId, ended::add)));
        }
        for (Session session : batch) {
          session.awaitPrompt();
        }
        sessions.addAll(batch);
      }
      double openSeconds = (System.nanoTime() - openStart) / 1e9;
      GatewayMemory open = GatewayMemory.measure(gatewayPid);
      long cpuBefore = GatewayMemory.cpuTicks(gatewayPid);
      Thread.sleep(Duration.ofSeconds(plan.holdSeconds()));
      long cpu = GatewayMemory.cpuTicks(gatewayPid) - cpuBefore;
      GatewayMemory held = GatewayMemory.measure(gatewayPid);
      List<String> endedDuringHold = new ArrayList<>(ended);
      int alive = 0;
      List<String> silent = new ArrayList<>();
      for (Session session : sessions) {
        if (session.answers("echo $((40+2))\r", "42")) {
          alive++;
        } else if (silent.size() < 3) {
          silent.add(session.lastShown);
        }
      }
      int terminals = plan.terminals();
      JsonObject result =
          new JsonObject()
              .put("terminals", terminals)
              .put("open_seconds", openSeconds)
              .put("ended_during_hold", endedDuringHold.size())
              .put("ended_samples", new JsonArray(endedDuringHold.stream().limit(5).toList()))
              .put("answering_after_hold", alive)
              .put("silent_samples", new JsonArray(silent))
              .put("gateway_before", before.json())
              .put("gateway_open", open.json())
              .put("gateway_end_of_hold", held.json())
              .put(
                  "heap_per_terminal_kib",
                  (double) (Math.max(open.heapKiB(), held.heapKiB()) - before.heapKiB())
                      / terminals)
              .put(
                  "rss_per_terminal_kib",
                  (double) (Math.max(open.rssKiB(), held.rssKiB()) - before.rssKiB()) / terminals)
              .put(
                  "cpu_share_of_one_core",
                  cpu / GatewayMemory.TICKS_PER_SECOND / plan.holdSeconds());
      if (!endedDuringHold.isEmpty() || alive != terminals) {
        throw new IllegalStateException(
            endedDuringHold.size()
                + " terminals ended during the hold, "
                + alive
                + " of "
                + terminals
                + " answered after it: "
                + result.encode());
      }
      return result;
    } finally {
      sessions.forEach(Session::close);
    }
  }

  private Opener gatewayTerminal(String sandboxId) {
    return gatewayTerminal(sandboxId, reason -> {});
  }

  private Opener gatewayTerminal(String sandboxId, java.util.function.Consumer<String> ended) {
    return out -> TerminalLink.viaGateway(websockets, port, token, sandboxId, out, ended);
  }

  /** Opens a link whose output goes to the given listener. */
  private interface Opener {
    Future<TerminalLink> open(java.util.function.Consumer<Buffer> output);
  }

  /** A terminal with the output it has shown, to wait on. */
  private static final class Session {

    private final StringBuffer shown = new StringBuffer();

    /** What a terminal that did not answer showed instead, for the report. */
    volatile String lastShown = "";

    private final AtomicReference<Waiter> waiter = new AtomicReference<>();
    private TerminalLink link;

    /** Something the benchmark waits to see, and when the output showing it arrived. */
    private record Waiter(String text, CompletableFuture<Long> seen) {}

    static Session open(Opener opener) throws Exception {
      Session session = new Session();
      session.link =
          opener
              .open(session::received)
              .toCompletionStage()
              .toCompletableFuture()
              .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      return session;
    }

    /** On an event loop: keeps the output and wakes whoever waits for what it shows. */
    private void received(Buffer bytes) {
      long arrived = System.nanoTime();
      shown.append(bytes.toString(StandardCharsets.UTF_8));
      Waiter current = waiter.get();
      if (current != null && shown.indexOf(current.text()) >= 0) {
        current.seen().complete(arrived);
      }
    }

    void awaitPrompt() throws Exception {
      // bash's prompt ends with "$ " (sh's is "$ " too); until it shows, keys would race it.
      await("$ ");
    }

    /** Types {@code count} keys one at a time, recording each one's echo latency. */
    void time(int count, List<Long> nanos) throws Exception {
      for (int i = 0; i < count; i++) {
        shown.setLength(0);
        long typed = System.nanoTime();
        CompletableFuture<Long> echo = expect("x");
        link.type("x");
        nanos.add(echo.get(PATIENCE.toSeconds(), TimeUnit.SECONDS) - typed);
        // Rub it out, so the line never grows: the erase shows as backspace-space-backspace.
        shown.setLength(0);
        CompletableFuture<Long> erased = expect("\b");
        link.type("\u007f");
        erased.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      }
    }

    boolean answers(String command, String answer) {
      try {
        shown.setLength(0);
        // The answer is a line of its own (bash may precede it with control sequences).
        CompletableFuture<Long> seen = expect(answer + "\r\n");
        link.type(command);
        seen.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        return true;
      } catch (Exception noAnswer) {
        lastShown = shown.toString();
        return false;
      }
    }

    private void await(String text) throws Exception {
      expect(text).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    private CompletableFuture<Long> expect(String text) {
      Waiter next = new Waiter(text, new CompletableFuture<>());
      waiter.set(next);
      if (shown.indexOf(text) >= 0) {
        next.seen().complete(System.nanoTime());
      }
      return next.seen();
    }

    void close() {
      if (link != null) {
        link.close();
      }
    }
  }

  /** Percentiles of latencies in nanoseconds, as milliseconds. */
  private static final class Latencies {
    static JsonObject of(List<Long> nanos) {
      List<Long> sorted = new ArrayList<>(nanos);
      Collections.sort(sorted);
      return new JsonObject()
          .put("samples", sorted.size())
          .put("p50_ms", at(sorted, 0.50))
          .put("p90_ms", at(sorted, 0.90))
          .put("p99_ms", at(sorted, 0.99))
          .put("max_ms", sorted.get(sorted.size() - 1) / 1e6);
    }

    private static double at(List<Long> sorted, double p) {
      int index = Math.max(0, (int) Math.ceil(p * sorted.size()) - 1);
      return sorted.get(index) / 1e6;
    }
  }
}
