package dev.bastion.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The report's numbers and layouts, from calls recorded into the HdrHistogram. The latencies are
 * under 2 ms, where a histogram of three significant digits holds every microsecond exactly, so the
 * expected figures can be worked out by hand (in the comments).
 */
class BenchReportTest {

  private static final Instant DATE = Instant.parse("2026-11-27T10:15:30Z");

  /** Ten calls of 100, 200, ... 1000 µs that succeed; two of 500 and 1000 µs that fail. */
  private static BenchReport report() {
    Tally tally = new Tally(false, 0);
    for (int i = 1; i <= 10; i++) {
      tally.record(CallOutcome.OK, i * 100_000L);
    }
    tally.record(CallOutcome.of(GrpcStatus.NOT_FOUND, "sandbox sbx-1 not found"), 500_000);
    tally.record(CallOutcome.of(GrpcStatus.UNAVAILABLE, "connection refused"), 1_000_000);
    return BenchReport.of(
        tally.snapshot(),
        Duration.ofMillis(10),
        BenchReport.NORMAL,
        new JsonObject().put("call", "bastion.v1.Processes/Run"),
        DATE);
  }

  @Test
  void summaryIsGhzsLayout() {
    // Count 12 (failed calls too); average (5500 + 500 + 1000) / 12 = 583.33 µs; fastest and
    // slowest, histogram and percentiles over the ten calls that succeeded. Marks: 100 µs plus
    // steps of 90 µs. Percentiles by rank: 10 % of 10 calls is the 1st, 25 % the 3rd, 50 % the
    // 5th, 75 % the 8th, 90 % the 9th, 95 % and 99 % the 10th — as ghz ranks them.
    String bar = "∎".repeat(40);
    assertThat(SummaryText.of(report()))
        .isEqualTo(
            """

            Summary:
              Count:\t12
              Total:\t10.00 ms
              Slowest:\t1.00 ms
              Fastest:\t100.00 µs
              Average:\t583.33 µs
              Requests/sec:\t1200.00

            Response time histogram:
              0.100 [1]\t|%1$s
              0.190 [0]\t|
              0.280 [1]\t|%1$s
              0.370 [1]\t|%1$s
              0.460 [1]\t|%1$s
              0.550 [1]\t|%1$s
              0.640 [1]\t|%1$s
              0.730 [1]\t|%1$s
              0.820 [1]\t|%1$s
              0.910 [1]\t|%1$s
              1.000 [1]\t|%1$s

            Latency distribution:
              10 %% in 100.00 µs
              25 %% in 300.00 µs
              50 %% in 500.00 µs
              75 %% in 800.00 µs
              90 %% in 900.00 µs
              95 %% in 1.00 ms
              99 %% in 1.00 ms

            Status code distribution:
              [OK]            10 responses
              [NotFound]      1 responses
              [Unavailable]   1 responses

            Error distribution:
              [1]\trpc error: code = NotFound desc = sandbox sbx-1 not found
              [1]\trpc error: code = Unavailable desc = connection refused

            """
                .formatted(bar));
  }

  @Test
  void barsAreScaledToTheTallest() {
    Tally tally = new Tally(false, 0);
    for (int i = 0; i < 4; i++) {
      tally.record(CallOutcome.OK, 100_000);
    }
    tally.record(CallOutcome.OK, 200_000);

    String summary =
        SummaryText.of(
            BenchReport.of(
                tally.snapshot(), Duration.ofSeconds(1), "normal", new JsonObject(), DATE));

    // 4 calls get the full 40 ∎, 1 call (1 × 40 + 2) / 4 = 10.
    assertThat(summary)
        .contains("  0.100 [4]\t|" + "∎".repeat(40) + "\n")
        .contains("  0.200 [1]\t|" + "∎".repeat(10) + "\n");
  }

  @Test
  void jsonHasGhzsFieldsWithDurationsInNanoseconds() {
    JsonObject json = report().json();

    assertThat(json.getString("date")).isEqualTo("2026-11-27T10:15:30Z");
    assertThat(json.getString("endReason")).isEqualTo("normal");
    assertThat(json.getJsonObject("options").getString("call"))
        .isEqualTo("bastion.v1.Processes/Run");
    assertThat(json.getLong("count")).isEqualTo(12);
    assertThat(json.getLong("total")).isEqualTo(10_000_000);
    assertThat(json.getLong("average")).isEqualTo(583_333);
    assertThat(json.getLong("fastest")).isEqualTo(100_000);
    assertThat(json.getLong("slowest")).isEqualTo(1_000_000);
    assertThat(json.getDouble("rps")).isEqualTo(1200.0);
    assertThat(json.getJsonObject("statusCodeDistribution").getMap())
        .containsExactly(
            Map.entry("OK", 10L), Map.entry("NotFound", 1L), Map.entry("Unavailable", 1L));
    assertThat(json.getJsonObject("errorDistribution").getMap())
        .containsOnly(
            Map.entry("rpc error: code = NotFound desc = sandbox sbx-1 not found", 1L),
            Map.entry("rpc error: code = Unavailable desc = connection refused", 1L));
    JsonArray percentiles = json.getJsonArray("latencyDistribution");
    assertThat(percentiles).hasSize(7);
    assertThat(percentiles.getJsonObject(2))
        .isEqualTo(new JsonObject().put("percentage", 50).put("latency", 500_000L));
    JsonArray histogram = json.getJsonArray("histogram");
    assertThat(histogram).hasSize(11);
    // Marks in seconds, as ghz's; frequency is the bar's share of the ten timed calls.
    assertThat(histogram.getJsonObject(0))
        .isEqualTo(new JsonObject().put("mark", 0.0001).put("count", 1L).put("frequency", 0.1));
    assertThat(histogram.getJsonObject(10).getDouble("mark")).isEqualTo(0.001);
    assertThat(histogram.stream().mapToLong(b -> ((JsonObject) b).getLong("count")).sum())
        .isEqualTo(10);
  }

  @Test
  void aRunWithoutOneGoodCallHasNoLatencies() {
    Tally tally = new Tally(false, 0);
    tally.record(CallOutcome.DEADLINE_EXCEEDED, 20_000_000);

    BenchReport report =
        BenchReport.of(tally.snapshot(), Duration.ofMillis(20), "normal", new JsonObject(), DATE);

    assertThat(report.count()).isEqualTo(1);
    assertThat(report.fastest()).isZero();
    assertThat(report.histogram()).isEmpty();
    assertThat(report.latencyDistribution()).isEmpty();
    assertThat(SummaryText.of(report))
        .contains("  [DeadlineExceeded]   1 responses")
        .contains("  [1]\trpc error: code = DeadlineExceeded desc = context deadline exceeded");
  }

  @Test
  void countErrorsTimesFailedCallsAndSkipFirstLeavesTheFirstOut() {
    Tally tally = new Tally(true, 2);
    tally.record(CallOutcome.OK, 9_000_000); // skipped
    tally.record(CallOutcome.CANCELED, 9_000_000); // skipped
    tally.record(CallOutcome.OK, 100_000);
    tally.record(CallOutcome.CANCELED, 300_000);

    BenchReport report =
        BenchReport.of(tally.snapshot(), Duration.ofMillis(1), "cancel", new JsonObject(), DATE);

    assertThat(report.count()).isEqualTo(2);
    assertThat(report.slowest()).isEqualTo(Duration.ofNanos(300_000));
    assertThat(report.statusCodeDistribution())
        .containsOnly(Map.entry("OK", 1L), Map.entry("Canceled", 1L));
    assertThat(report.json().getString("endReason")).isEqualTo("cancel");
  }
}
