package dev.bastion.loadtest;

import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.SandboxSnapshot;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Issue 22's benchmark, memory snapshots against booting, in the same run on one server (warm pool
 * off, so nothing else starts): per round, a cold create that boots (the kind's boot image removed
 * first; its time without the boot image's save, which the first of a kind pays once), a cold
 * create that restores from the boot image, suspend and resume of an idle sandbox, a snapshot and a
 * fork of N copies in parallel, and the idle memory of a booted and of a restored sandbox. Each
 * round gives its own ratio (boot over restore); the report has every round and the medians.
 *
 * <p>{@code java -cp loadtest/target/loadtest.jar dev.bastion.loadtest.SnapshotBenchmark [--smoke]
 * [--rounds N] [--forks N] [--repo DIR] [--out FILE]}
 */
public final class SnapshotBenchmark {

  private SnapshotBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /**
   * Runs the benchmark with {@code args}; returns the exit status: 0, 1 on any error (never on a
   * timing), 2 on a bad argument.
   */
  public static int run(String[] args) throws Exception {
    int rounds = 3;
    int forks = 10;
    Path repo = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> {
          rounds = 1;
          forks = 2;
        }
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--forks" -> forks = Integer.parseInt(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("SnapshotBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    int roundCount = rounds;
    int forkCount = forks;
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    report.put(
        "method",
        new JsonObject()
            .put("rounds", rounds)
            .put("forks_per_round", forks)
            .put(
                "boot",
                "Create{template} with the kind's boot image removed, minus the save of the new"
                    + " one (bastion_sandbox_checkpoint_seconds, purpose boot)")
            .put("restore", "Create{template} with the boot image there")
            .put("resume", "Suspend then Resume of an idle restored sandbox; each call's time")
            .put("fork", "Snapshot, then N Create{snapshot} at once: time until all are READY")
            .put("memory", "RSS of runsc-sandbox and runsc-gofer, 5 s after READY"));
    return OwnServerRun.run(
        "snapshots",
        repo,
        0,
        report,
        out,
        (gateway, client, stateDir) -> {
          Metrics metrics = new Metrics(gateway.port(), GatewayProcess.token(stateDir));
          JsonArray measured = new JsonArray();
          for (int round = 0; round < roundCount; round++) {
            measured.add(round(client, stateDir, metrics, forkCount));
          }
          report.put("rounds", measured);
          report.put("medians", medians(measured));
        });
  }

  private static JsonObject round(BastionClient client, Path stateDir, Metrics metrics, int forks)
      throws Exception {
    JsonObject round = new JsonObject();
    removeBootImages(stateDir);
    double savedBefore = metrics.sum("bastion_sandbox_checkpoint_seconds_sum", "boot");
    long began = System.nanoTime();
    try (SandboxLease booted = client.create()) {
      double createMs = millisSince(began);
      double saveMs =
          (metrics.sum("bastion_sandbox_checkpoint_seconds_sum", "boot") - savedBefore) * 1000;
      round.put("boot_create_ms", createMs).put("boot_image_save_ms", saveMs);
      round.put("boot_ms", createMs - saveMs);
      began = System.nanoTime();
      try (SandboxLease restored = client.create()) {
        round.put("restore_ms", millisSince(began));
        round.put("boot_over_restore", round.getDouble("boot_ms") / round.getDouble("restore_ms"));
        Thread.sleep(5000);
        round.put("booted_idle_kib", IdleMemory.sandboxKiB(booted.id()));
        round.put("restored_idle_kib", IdleMemory.sandboxKiB(restored.id()));

        began = System.nanoTime();
        BastionClient.await(client.suspend(restored.id()));
        round.put("suspend_ms", millisSince(began));
        began = System.nanoTime();
        BastionClient.await(client.resume(restored.id()));
        round.put("resume_ms", millisSince(began));

        began = System.nanoTime();
        SandboxSnapshot snapshot = BastionClient.await(client.snapshot(restored.id()));
        round.put("snapshot_ms", millisSince(began)).put("snapshot_bytes", snapshot.getSizeBytes());
        round.put("forks", fork(client, snapshot.getId(), forks));
        client.deleteSnapshot(snapshot.getId());
      }
    }
    return round;
  }

  /** N copies at once; every one is deleted afterwards. */
  private static JsonObject fork(BastionClient client, String snapshot, int forks) {
    long began = System.nanoTime();
    List<Future<Sandbox>> copies = new ArrayList<>();
    for (int i = 0; i < forks; i++) {
      copies.add(client.fork(snapshot));
    }
    Future.join(copies).toCompletionStage().toCompletableFuture().join();
    double allReady = millisSince(began);
    for (Future<Sandbox> copy : copies) {
      if (copy.succeeded()) {
        client.delete(copy.result().getId());
      }
    }
    long failed = copies.stream().filter(Future::failed).count();
    if (failed > 0) {
      throw new IllegalStateException(
          failed
              + " of "
              + forks
              + " copies failed: "
              + copies.stream()
                  .filter(Future::failed)
                  .findFirst()
                  .map(f -> f.cause().getMessage())
                  .orElse(""));
    }
    return new JsonObject()
        .put("copies", forks)
        .put("all_ready_ms", allReady)
        .put("ms_per_copy", allReady / forks);
  }

  private static void removeBootImages(Path stateDir) throws IOException {
    Path dir = stateDir.resolve("boot-images");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted((a, b) -> b.compareTo(a)).toList()) {
        if (!path.equals(dir)) {
          Files.delete(path);
        }
      }
    }
  }

  private static double millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e6;
  }

  private static JsonObject medians(JsonArray rounds) {
    JsonObject medians = new JsonObject();
    for (String field :
        List.of(
            "boot_ms",
            "restore_ms",
            "boot_over_restore",
            "boot_image_save_ms",
            "resume_ms",
            "suspend_ms",
            "snapshot_ms",
            "booted_idle_kib",
            "restored_idle_kib")) {
      medians.put(field, PathComparison.median(rounds, r -> r.getDouble(field)));
    }
    medians.put(
        "fork_all_ready_ms",
        PathComparison.median(rounds, r -> r.getJsonObject("forks").getDouble("all_ready_ms")));
    return medians;
  }
}
