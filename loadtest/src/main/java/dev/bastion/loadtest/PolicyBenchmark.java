package dev.bastion.loadtest;

import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.ToolPolicy;
import dev.bastion.controller.policy.PolicySet;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.controller.policy.ToolPolicyCompiler;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a ToolPolicy costs: the evaluation of a 20-rule policy per call (in process, p50/p99), and
 * the gateway's Run throughput with that policy in force against none, alternating in blocks on one
 * server so the ratio compares like with like.
 *
 * <p>{@code java -cp loadtest/target/loadtest.jar dev.bastion.loadtest.PolicyBenchmark [--smoke]
 * [--runs N] [--warmup N] [--repo DIR] [--out FILE]}
 */
public final class PolicyBenchmark {

  private static final String POLICY_NAME = "bench-20-rules";
  private static final int EVALUATIONS = 200_000;

  private PolicyBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkOptions options = BenchmarkOptions.parse(args);
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    int status = 0;
    Path stateDir = Files.createTempDirectory("bastion-policy-");
    try {
      String policy = policyYaml();
      report.put("evaluation", evaluation(policy, options.smoke() ? 2_000 : EVALUATIONS));
      try (GatewayProcess gateway = GatewayProcess.start(options.repo(), stateDir, 0);
          BastionClient client =
              BastionClient.connect(gateway.port(), GatewayProcess.token(stateDir));
          SandboxLease lease = client.create()) {
        ResourceHttp resources = new ResourceHttp(gateway.port(), GatewayProcess.token(stateDir));
        RunComparison runs = new RunComparison(client, lease.id(), options);
        RunComparison.Variant withPolicy =
            new RunComparison.Variant("policy", client.gateway(), () -> resources.apply(policy));
        RunComparison.Variant without =
            new RunComparison.Variant(
                "no_policy",
                client.gateway(),
                () -> resources.deleteIfExists("toolpolicy", POLICY_NAME));
        report.put("run_true_c1", runs.measure(List.of("true"), 1, withPolicy, without));
        report.put("run_true_c10", runs.measure(List.of("true"), 10, withPolicy, without));
      }
    } catch (Exception e) {
      report.put("error", e.toString());
      status = 1;
    }
    if (Containers.removeLeaked(stateDir, report)) {
      status = 1;
    }
    report.emit(options.out());
    System.exit(status);
  }

  /**
   * Times {@link PolicySet#decide} of a harmless process call, which must get past every rule: the
   * cost the gateway adds to each call, without the network around it.
   */
  private static JsonObject evaluation(String yaml, int evaluations) {
    PolicySet set =
        new PolicySet(
            List.of(ToolPolicyCompiler.compile((ToolPolicy) Manifests.parse(yaml).get(0))));
    ToolCall call =
        ToolCall.process(
            "process.run", List.of("python3", "-c", "print(6*7)"), Map.of(), "/workspace", 0);
    Map<String, String> labels = Map.of("team", "a");
    // Untimed first, so the JIT has compiled the evaluation, as in a long-running gateway.
    for (int i = 0; i < evaluations; i++) {
      if (!set.decide(call, "alice", labels, "python").allowed()) {
        throw new IllegalStateException("the benchmark policy denied a harmless call");
      }
    }
    Histogram nanos = new Histogram(3);
    for (int i = 0; i < evaluations; i++) {
      long start = System.nanoTime();
      set.decide(call, "alice", labels, "python");
      nanos.recordValue(System.nanoTime() - start);
    }
    return new JsonObject()
        .put("rules", 20)
        .put("evaluations", evaluations)
        .put("p50_us", nanos.getValueAtPercentile(50) / 1000.0)
        .put("p99_us", nanos.getValueAtPercentile(99) / 1000.0);
  }

  private static String policyYaml() throws IOException {
    try (InputStream in = PolicyBenchmark.class.getResourceAsStream("/policy-20-rules.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
