package dev.bastion.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke version of the Kubernetes claim benchmark in docs/BENCHMARKS.md, in this JVM on the
 * mock API server: it fails on any error or a claim left unserved, never on a timing.
 */
class KubernetesClaimBenchmarkIT {

  @TempDir Path dir;

  @Test
  void claimsAreServedByTheKubernetesBackendOnTheMockApiServer() throws Exception {
    Path out = dir.resolve("kubernetes-claims.json");
    int status = KubernetesClaimBenchmark.run(new String[] {"--smoke", "--out", out.toString()});
    assertThat(status).isZero();
    JsonObject burst =
        new JsonObject(Files.readString(out)).getJsonArray("bursts").getJsonObject(0);
    assertThat(burst.getInteger("claims")).isEqualTo(5);
    // Every claim was adopted and its status written: at least the two writes a warm claim costs.
    assertThat(burst.getDouble("claim_path_writes_per_claim")).isGreaterThanOrEqualTo(2.0);
  }
}
