package dev.bastion.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Issue 7's scenario (b): many concurrent open output streams through the gateway, held for a
 * while, each receiving a line per second from a real process in a gVisor sandbox. In each of
 * {@code --sandboxes} sandboxes {@code --processes} processes run {@code while :; do echo tick;
 * read -t 1; done} (a bash builtin loop: no fork per line) on an Exec stream each, and {@code
 * --watchers} Connect streams per process follow the same output, so the streams outnumber the
 * processes: under gVisor's ptrace platform every sandboxed process costs about 20 host tasks, and
 * the host's pid_max bounds processes long before the gateway bounds streams.
 *
 * <p>Reported: streams opened and held, lines per stream (each must have about one a second),
 * errors (must be none), and the gateway's heap after a full GC, RSS and CPU before the streams and
 * while they are held, with the memory per open stream.
 *
 * <p>{@code java -cp loadtest/target/loadtest.jar dev.bastion.loadtest.StreamsBenchmark [--smoke]
 * [--sandboxes N] [--processes N] [--watchers N] [--hold-seconds N] [--repo DIR] [--out FILE]}
 */
public final class StreamsBenchmark {

  /** Prints a line a second without forking: read's timeout is the clock. */
  static final List<String> TICKER =
      List.of("bash", "-c", "while :; do echo tick; read -t 1; done");

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /**
   * Runs the benchmark with {@code args}; returns the exit status: 0, 1 on any error (never on a
   * timing), 2 on a bad argument.
   */
  public static int run(String[] args) throws Exception {
    int sandboxes = 10;
    int processes = 10;
    int watchers = 99;
    int holdSeconds = 600;
    Path repo = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> {
          sandboxes = 1;
          processes = 2;
          watchers = 4;
          holdSeconds = 5;
        }
        case "--sandboxes" -> sandboxes = Integer.parseInt(args[++i]);
        case "--processes" -> processes = Integer.parseInt(args[++i]);
        case "--watchers" -> watchers = Integer.parseInt(args[++i]);
        case "--hold-seconds" -> holdSeconds = Integer.parseInt(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("StreamsBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    Plan plan = new Plan(sandboxes, processes, watchers, holdSeconds);
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    report.put(
        "method",
        new JsonObject()
            .put("sandboxes", sandboxes)
            .put("processes_per_sandbox", processes)
            .put("connect_streams_per_process", watchers)
            .put("streams", plan.streams())
            .put("hold_seconds", holdSeconds)
            .put("process", new JsonArray(TICKER)));
    return OwnServerRun.run(
        "streams",
        repo,
        0,
        report,
        out,
        (gateway, client, stateDir) -> measure(plan, report, gateway, client, stateDir));
  }

  /** What the flags asked for. */
  private record Plan(int sandboxes, int processes, int watchers, int holdSeconds) {
    int streams() {
      return sandboxes * processes * (1 + watchers);
    }
  }

  private static void measure(
      Plan plan, Report report, GatewayProcess gateway, BastionClient client, Path stateDir)
      throws Exception {
    int sandboxes = plan.sandboxes();
    int holdSeconds = plan.holdSeconds();
    int streams = plan.streams();
    try (SandboxLeases leases = SandboxLeases.create(client, sandboxes)) {
      GatewayMemory idle = GatewayMemory.measure(gateway.pid());
      try (StreamFleet fleet =
          StreamFleet.open(
              gateway.port(),
              GatewayProcess.token(stateDir),
              leases.ids(),
              plan.processes(),
              plan.watchers(),
              Duration.ofSeconds(holdSeconds).plusMinutes(10))) {
        fleet.awaitFirstLines(Duration.ofMinutes(5));
        GatewayMemory opened = GatewayMemory.measure(gateway.pid());
        long cpuBefore = GatewayMemory.cpuTicks(gateway.pid());
        long holdStart = System.nanoTime();
        long linesAtStart = fleet.lines();
        Thread.sleep(Duration.ofSeconds(holdSeconds));
        double held = (System.nanoTime() - holdStart) / 1e9;
        long cpu = GatewayMemory.cpuTicks(gateway.pid()) - cpuBefore;
        GatewayMemory holding = GatewayMemory.measure(gateway.pid());
        StreamFleet.Tally tally = fleet.tally();
        report.put(
            "streams",
            new JsonObject()
                .put("open", tally.open())
                .put("errors", tally.errors())
                .put("error_samples", new JsonArray(tally.errorSamples()))
                .put("held_s", held)
                .put("lines_during_hold", tally.lines() - linesAtStart)
                .put("fewest_lines_per_stream", tally.fewestLines())
                .put("lines_per_stream_per_s", (tally.lines() - linesAtStart) / held / streams));
        report.put(
            "gateway",
            new JsonObject()
                .put("idle", idle.json())
                .put("streams_opened", opened.json())
                .put("end_of_hold", holding.json())
                // The larger of the two moments the streams were all open.
                .put(
                    "heap_per_stream_kib",
                    (double) (Math.max(opened.heapKiB(), holding.heapKiB()) - idle.heapKiB())
                        / streams)
                .put(
                    "rss_per_stream_kib",
                    (double) (Math.max(opened.rssKiB(), holding.rssKiB()) - idle.rssKiB())
                        / streams)
                .put("cpu_share_of_one_core", cpu / GatewayMemory.TICKS_PER_SECOND / held));
        if (tally.errors() > 0 || tally.open() != streams) {
          throw new IllegalStateException(
              tally.errors() + " stream errors, " + tally.open() + " of " + streams + " open");
        }
        // A line a second for the whole hold, give or take the scheduling of 10,000 timers.
        if (tally.fewestLines() < holdSeconds * 8L / 10) {
          throw new IllegalStateException(
              "a stream got only " + tally.fewestLines() + " lines in " + holdSeconds + " s");
        }
      }
    }
  }

  private StreamsBenchmark() {}
}
