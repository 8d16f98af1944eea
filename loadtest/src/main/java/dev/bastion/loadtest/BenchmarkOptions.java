package dev.bastion.loadtest;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Command-line flags of {@link EmbeddedBenchmark}. Without {@code --port} the benchmark starts its
 * own gateway; with it, it attaches to a running one and needs {@code --token} and {@code
 * --state-dir} (the sandboxd sockets live there).
 */
record BenchmarkOptions(
    Integer port,
    String token,
    Path stateDir,
    Long gatewayPid,
    Path out,
    Path repo,
    boolean smoke,
    int creates,
    int runs,
    int warmup,
    int block,
    Duration idle) {

  static final String USAGE =
      """
      usage: EmbeddedBenchmark [--smoke] [--out FILE] [--repo DIR] [--state-dir DIR]
                               [--port P --token T --state-dir DIR [--gateway-pid PID]]
                               [--creates N] [--runs N] [--warmup N]
        --smoke        tiny counts, for CI: fails only on errors, never on timings
        --out          also write the report as JSON to FILE
        --repo         the Bastion checkout whose jars to run (default: the current directory)
        --state-dir    the server's state directory (default: a new temporary directory)
        --port/--token attach to a running gateway instead of starting one
        --gateway-pid  the attached gateway's pid, to measure its RSS
        --creates      cold creates to time (default 10)
        --runs         Run calls per variant and path, after warm-up (default 200)
        --warmup       Run calls per variant and path before measuring (default 20); a few
                       hundred let the gateway's JIT reach its steady state
      """;

  static BenchmarkOptions parse(String[] args) {
    Integer port = null;
    String token = null;
    Path stateDir = null;
    Long gatewayPid = null;
    Path out = null;
    Path repo = Path.of("");
    boolean smoke = false;
    Integer creates = null;
    Integer runs = null;
    Integer warmup = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--smoke")) {
        smoke = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--port" -> port = Integer.parseInt(value);
        case "--token" -> token = value;
        case "--state-dir" -> stateDir = Path.of(value);
        case "--gateway-pid" -> gatewayPid = Long.parseLong(value);
        case "--out" -> out = Path.of(value);
        case "--repo" -> repo = Path.of(value);
        case "--creates" -> creates = Integer.parseInt(value);
        case "--runs" -> runs = Integer.parseInt(value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    if (port != null && (token == null || stateDir == null)) {
      throw new IllegalArgumentException("--port needs --token and --state-dir");
    }
    // Smoke counts exercise every code path (two alternating rounds per variant); the full counts
    // give usable percentiles (p99 of 200 samples is the second-slowest call).
    return new BenchmarkOptions(
        port,
        token,
        stateDir,
        gatewayPid,
        out,
        repo.toAbsolutePath(),
        smoke,
        creates != null ? creates : smoke ? 3 : 10,
        runs != null ? runs : smoke ? 20 : 200,
        warmup != null ? warmup : smoke ? 2 : 20,
        // A block at least as large as the concurrency-10 variant keeps 10 calls outstanding.
        smoke ? 10 : 20,
        smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(10));
  }

  boolean attached() {
    return port != null;
  }
}
