package dev.bastion.loadtest.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code bastion bench} run from start to end: connects, creates the run's sandboxes, makes the
 * load, deletes the sandboxes — also when the load fails or the user presses Ctrl-C — and hands
 * back the report.
 */
final class BenchRunner {

  /** ghz's default {@code --connect-timeout}. */
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  /** Creating and deleting sandboxes waits this long at most. */
  private static final long SETUP_MINUTES = 5;

  /**
   * The standard gRPC health check, with an empty request: any answer, whatever its status, shows
   * that the connection is up.
   */
  private static final ServiceMethod<Buffer, Buffer> HEALTH_CHECK =
      ServiceMethod.client(
          ServiceName.create("grpc.health.v1.Health"),
          "Check",
          GrpcMessageEncoder.IDENTITY,
          GrpcMessageDecoder.IDENTITY);

  private final BenchOptions options;
  private final PrintWriter err;
  private volatile boolean cancelled;
  private volatile LoadRun load;

  BenchRunner(BenchOptions options, PrintWriter err) {
    this.options = options;
    this.err = err;
  }

  /** Runs; a Ctrl-C during the run ends it early, with the report of what was done. */
  BenchReport run() throws BenchException {
    CountDownLatch cleanedUp = new CountDownLatch(1);
    Thread onSignal =
        new Thread(
            () -> {
              cancel();
              try {
                // The JVM exits when this hook returns: first let run() delete the sandboxes.
                cleanedUp.await(SETUP_MINUTES, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bench-ctrl-c");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      return runWithCleanup();
    } finally {
      cleanedUp.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it returns now that the latch is open.
      }
    }
  }

  /** Ends the run early: no call starts any more and those in flight are cancelled. */
  void cancel() {
    cancelled = true;
    LoadRun running = load;
    if (running != null) {
      running.stop();
    }
  }

  private BenchReport runWithCleanup() throws BenchException {
    // A Unix socket needs the native transport (epoll), which plain TCP does not.
    Vertx vertx =
        Vertx.vertx(new VertxOptions().setPreferNativeTransport(options.reachesUnixSocket()));
    if (options.reachesUnixSocket() && !vertx.isNativeTransportEnabled()) {
      vertx.close();
      throw new BenchException(
          "cannot reach "
              + options.address()
              + ": Unix sockets need the native transport, unavailable here: "
              + vertx.unavailableNativeTransportCause());
    }
    List<GrpcClient> connections = new ArrayList<>();
    for (int i = 0; i < options.connections(); i++) {
      connections.add(
          GrpcClient.client(
              vertx,
              new GrpcClientOptions(),
              Http2Options.multiplexed()
                  .setConnectTimeout(CONNECT_TIMEOUT_MS)
                  // The gateway's own windows: with HTTP/2's 64 KiB defaults a Read of a large
                  // file would measure flow control, not the gateway.
                  .setInitialSettings(new Http2Settings().setInitialWindowSize(1024 * 1024))
                  .setHttp2ConnectionWindowSize(16 * 1024 * 1024)));
    }
    BenchSandboxes sandboxes =
        new BenchSandboxes(
            connections.getFirst(),
            options.gateway(),
            options.payload().metadata(CallData.of("setup", 0, "", options.method())));
    List<String> sandboxIds = List.of();
    try {
      connect(connections);
      if (options.sandboxes() > 0 && !cancelled) {
        err.printf(
            "bench: creating %d sandbox%s from template %s%n",
            options.sandboxes(), options.sandboxes() == 1 ? "" : "es", options.template());
        err.flush();
        sandboxIds =
            await(
                sandboxes.create(options.template(), options.sandboxes()),
                TimeUnit.MINUTES.toMillis(SETUP_MINUTES));
      }
      return measure(vertx, connections, sandboxIds);
    } finally {
      try {
        if (!sandboxIds.isEmpty()) {
          await(sandboxes.delete(sandboxIds), TimeUnit.MINUTES.toMillis(SETUP_MINUTES));
          err.printf(
              "bench: deleted %d sandbox%s%n",
              sandboxIds.size(), sandboxIds.size() == 1 ? "" : "es");
          err.flush();
        }
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().join();
      }
    }
  }

  /**
   * Opens every connection to every target before the clock starts, as ghz dials before its run.
   */
  private void connect(List<GrpcClient> connections) throws BenchException {
    List<Future<Void>> checks = new ArrayList<>();
    for (GrpcClient connection : connections) {
      for (BenchTarget target : options.targets()) {
        checks.add(
            connection
                .request(target.address(), HEALTH_CHECK)
                .compose(request -> request.send(Buffer.buffer()))
                .compose(response -> response.end().otherwiseEmpty()));
      }
    }
    try {
      await(Future.all(checks), CONNECT_TIMEOUT_MS + 1_000L);
    } catch (BenchException e) {
      throw new BenchException("cannot reach " + options.address() + ": " + e.getMessage());
    }
  }

  private BenchReport measure(Vertx vertx, List<GrpcClient> connections, List<String> sandboxIds)
      throws BenchException {
    Tally tally = new Tally(options.countErrors(), options.skipFirst());
    LoadRun run =
        new LoadRun(
            vertx,
            connections,
            options.targets(),
            new LoadRun.Plan(
                options.method(),
                options.payload(),
                sandboxIds,
                options.concurrency(),
                options.total(),
                options.duration(),
                options.rps(),
                options.timeout(),
                options.streams()),
            tally);
    load = run;
    if (cancelled) {
      run.stop();
    }
    Instant date = Instant.now();
    String endReason = await(run.run(), 0);
    return BenchReport.of(
        tally.snapshot(), run.elapsed(), endReason, options.reportOptions(), date);
  }

  /** Waits on the main thread (never an event loop) for {@code future}; 0 waits for ever. */
  private static <T> T await(Future<T> future, long millis) throws BenchException {
    try {
      var result = future.toCompletionStage().toCompletableFuture();
      return millis > 0 ? result.get(millis, TimeUnit.MILLISECONDS) : result.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new BenchException(cause.getMessage() != null ? cause.getMessage() : cause.toString());
    } catch (TimeoutException e) {
      throw new BenchException("no answer within " + millis / 1000 + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }
}
