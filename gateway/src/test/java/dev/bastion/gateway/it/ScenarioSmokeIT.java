package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.loadtest.ClaimBenchmark;
import dev.bastion.loadtest.CodeContextBenchmark;
import dev.bastion.loadtest.ControlPlaneDosBenchmark;
import dev.bastion.loadtest.ImageBenchmark;
import dev.bastion.loadtest.LargeStreamBenchmark;
import dev.bastion.loadtest.RunOverheadBenchmark;
import dev.bastion.loadtest.SnapshotBenchmark;
import dev.bastion.loadtest.SpawnFloorBenchmark;
import dev.bastion.loadtest.StreamsBenchmark;
import dev.bastion.loadtest.TerminalBenchmark;
import dev.bastion.loadtest.images.Commands;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke versions of the load scenarios in docs/BENCHMARKS.md, each starting its own server from
 * this checkout's jars as the full runs do: they fail on any error, a failed call, a wrong byte
 * count or a leaked container — never on a timing.
 */
class ScenarioSmokeIT {

  /** The checkout: the benchmarks run its gateway and sandboxd jars. */
  static final Path REPO = Path.of("").toAbsolutePath().getParent();

  @TempDir Path dir;

  @BeforeAll
  static void requireSandboxes() {
    SandboxHost.require();
  }

  @Test
  void runThroughTheGatewayAndDirectlyAtSeveralConcurrencies() throws Exception {
    JsonObject report = run(RunOverheadBenchmark::run, "run-overhead.json");
    JsonArray results = report.getJsonArray("run_true");
    assertThat(results).hasSize(2);
    for (Object result : results) {
      JsonObject round = ((JsonObject) result).getJsonArray("rounds").getJsonObject(0);
      assertThat(round.getJsonObject("gateway").getDouble("rps")).isPositive();
      assertThat(round.getJsonObject("direct").getDouble("rps")).isPositive();
    }
  }

  @Test
  void aCellIsTimedThroughTheGatewayAndDirectlyAndContextsAreMeasured() throws Exception {
    JsonObject report = run(CodeContextBenchmark::run, "code-contexts.json");
    JsonObject round =
        report.getJsonObject("cell_round_trip").getJsonArray("rounds").getJsonObject(0);
    assertThat(round.getJsonObject("gateway").getDouble("rps")).isPositive();
    assertThat(round.getJsonObject("direct").getDouble("rps")).isPositive();
    assertThat(report.getJsonObject("create_to_first_result").getDouble("median_first_result_ms"))
        .isGreaterThan(
            report.getJsonObject("create_to_first_result").getDouble("median_create_ms"));
    assertThat(report.getJsonObject("idle_context_memory").getLong("kib_per_idle_context"))
        .isPositive();
  }

  @Test
  void bootsRestoresResumesAndForksAreTimedInOneRun() throws Exception {
    JsonObject report = run(SnapshotBenchmark::run, "snapshots.json");
    JsonObject medians = report.getJsonObject("medians");
    assertThat(medians.getDouble("boot_ms")).isPositive();
    assertThat(medians.getDouble("restore_ms")).isPositive();
    assertThat(medians.getDouble("boot_image_save_ms"))
        .as("the first create of a kind saved its boot image")
        .isPositive();
    assertThat(medians.getDouble("resume_ms")).isPositive();
    assertThat(medians.getDouble("fork_all_ready_ms")).isPositive();
    assertThat(medians.getDouble("restored_idle_kib")).isPositive();
  }

  @Test
  void spawnsAreTimedAgainstPythonsInTheSameSandbox() throws Exception {
    JsonObject report = run(SpawnFloorBenchmark::run, "spawn-floor.json");
    JsonObject medians = report.getJsonObject("medians");
    assertThat(medians.getDouble("floor_true_ms")).isPositive();
    assertThat(medians.getDouble("true_direct_p50_ms")).isPositive();
    // python3 starting is slower than true on every path: the two were not mixed up.
    assertThat(medians.getDouble("python_direct_p50_ms"))
        .isGreaterThan(medians.getDouble("true_direct_p50_ms"));
    assertThat(medians.getDouble("floor_python_ms"))
        .isGreaterThan(medians.getDouble("floor_true_ms"));
  }

  @Test
  void aLargeStreamReachesASlowReaderWhole() throws Exception {
    JsonObject report = run(LargeStreamBenchmark::run, "large-stream.json");
    assertThat(report.getJsonObject("stream").getLong("bytes")).isEqualTo(32L << 20);
    assertThat(report.getJsonObject("gateway_memory").getJsonArray("samples")).isNotEmpty();
  }

  @Test
  void streamsAreHeldWithALineASecondEach() throws Exception {
    JsonObject report = run(StreamsBenchmark::run, "streams.json");
    JsonObject streams = report.getJsonObject("streams");
    assertThat(streams.getInteger("open")).isEqualTo(10);
    assertThat(streams.getInteger("errors")).isZero();
    assertThat(report.getJsonObject("gateway").getDouble("heap_per_stream_kib")).isNotNull();
  }

  @Test
  void aBurstOfClaimsIsServedWarm() throws Exception {
    JsonObject report = run(ClaimBenchmark::run, "claims.json");
    JsonObject burst = report.getJsonArray("bursts").getJsonObject(0);
    assertThat(burst.getLong("warm")).isEqualTo(burst.getLong("claims"));
  }

  @Test
  void terminalsEchoKeystrokesAndStayOpenWhileIdle() throws Exception {
    JsonObject report = run(TerminalBenchmark::run, "terminals.json");
    assertThat(
            report
                .getJsonObject("keystroke_to_echo")
                .getJsonObject("gateway")
                .getInteger("samples"))
        .isEqualTo(20);
    JsonObject idle = report.getJsonObject("idle_terminals");
    assertThat(idle.getInteger("answering_after_hold")).isEqualTo(idle.getInteger("terminals"));
  }

  @Test
  void controlPlaneAttacksLeaveTheGatewayAnswering() throws Exception {
    JsonObject report = run(ControlPlaneDosBenchmark::run, "control-plane-dos.json");
    JsonArray cases = report.getJsonArray("cases");
    assertThat(cases).hasSize(5);
    for (Object each : cases) {
      JsonObject attack = (JsonObject) each;
      assertThat(attack.getJsonObject("healthz").getLong("count")).as(attack.encode()).isPositive();
      assertThat(attack.getLong("healthz_failed")).as(attack.encode()).isZero();
    }
    assertThat(answers(cases, "alias_bomb_apply").fieldNames()).containsExactly("HTTP 400");
    // The gateway closes the connection after a 413, so a client may see that instead.
    assertThat(answers(cases, "oversized_apply_body").fieldNames())
        .contains("HTTP 413")
        .filteredOn(answer -> answer.startsWith("HTTP"))
        .containsExactly("HTTP 413");
    assertThat(answers(cases, "unauthenticated_header_only_streams").fieldNames())
        .containsExactly("grpc-status 16");
    assertThat(answers(cases, "run_with_an_800kb_argument").fieldNames())
        .containsExactly("INVALID_ARGUMENT");
  }

  private static JsonObject answers(JsonArray cases, String name) {
    return cases.stream()
        .map(JsonObject.class::cast)
        .filter(c -> name.equals(c.getString("case")))
        .findFirst()
        .orElseThrow()
        .getJsonObject("attack_answers");
  }

  private interface Benchmark {
    int run(String[] args) throws Exception;
  }

  /** Runs the smoke version; exit status 0 and no error or leaked container in its report. */
  @Test
  void anImageIsPulledAndItsSandboxesShareOneRoot() throws Exception {
    for (String tool : List.of("docker-registry", "skopeo", "umoci")) {
      SandboxHost.require(
          Commands.installed(tool), tool + " is not installed; ./bastion test installs it");
    }
    JsonObject report = run(ImageBenchmark::run, "images.json");
    assertThat(report.getJsonObject("first_pull").getJsonObject("bastion").getLong("count"))
        .isEqualTo(1);
    assertThat(report.getJsonObject("cold_create").getJsonObject("custom_image").getLong("count"))
        .isEqualTo(2);
    JsonObject disk = report.getJsonObject("fleet_disk");
    // Three sandboxes of one image keep one root: the store does not grow with them.
    assertThat(disk.getLong("store_kib_after")).isEqualTo(disk.getLong("store_kib_before"));
  }

  private JsonObject run(Benchmark benchmark, String file) throws Exception {
    Path out = dir.resolve(file);
    int status =
        benchmark.run(new String[] {"--smoke", "--repo", REPO.toString(), "--out", out.toString()});
    JsonObject report = new JsonObject(Files.readString(out));
    assertThat(report.getString("error")).as("the benchmark's error").isNull();
    assertThat(status).isZero();
    assertThat(report.getJsonArray("leaked_containers")).isEmpty();
    return report;
  }
}
