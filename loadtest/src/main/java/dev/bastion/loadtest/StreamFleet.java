package dev.bastion.loadtest;

import dev.bastion.api.v1.ConnectRequest;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.loadtest.bench.Http2Options;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many open output streams through the gateway: per sandbox, ticker processes each on an Exec
 * stream of its own (stdin kept open, so {@code read -t 1} times out every second), and Connect
 * streams following each process's output. Streams are spread over several HTTP/2 connections,
 * below the gateway's limit of concurrent streams per connection. Every stream counts the lines it
 * receives; one that fails or ends while held is an error.
 */
final class StreamFleet implements AutoCloseable {

  /** Half the gateway's 10,000 concurrent streams per connection. */
  private static final int STREAMS_PER_CONNECTION = 5_000;

  private static final int ERROR_SAMPLES = 5;

  private final Vertx vertx;
  private final List<GrpcClient> connections = new ArrayList<>();
  private final SocketAddress gateway;
  private final String token;
  private final List<Follower> followers = new CopyOnWriteArrayList<>();
  private final List<GrpcClientRequest<?, ?>> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch firstLines;
  private int next;

  private StreamFleet(int port, String token, int streams) {
    this.vertx = Vertx.vertx();
    this.gateway = SocketAddress.inetSocketAddress(port, "127.0.0.1");
    this.token = token;
    this.firstLines = new CountDownLatch(streams);
    int count = (streams + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION;
    for (int i = 0; i < count; i++) {
      // One GrpcClient is one HTTP/2 connection to the gateway.
      connections.add(
          GrpcClient.client(vertx, new GrpcClientOptions(), Http2Options.multiplexed()));
    }
  }

  /**
   * Starts {@code processes} tickers in each sandbox, each killed after {@code lifetime}, then
   * {@code watchers} Connect streams per ticker; returns once every stream is open.
   */
  static StreamFleet open(
      int port,
      String token,
      List<String> sandboxIds,
      int processes,
      int watchers,
      Duration lifetime) {
    int streams = sandboxIds.size() * processes * (1 + watchers);
    StreamFleet fleet = new StreamFleet(port, token, streams);
    try {
      List<Future<?>> tickers = new ArrayList<>();
      for (String sandbox : sandboxIds) {
        for (int p = 0; p < processes; p++) {
          tickers.add(fleet.exec(sandbox, "tick-" + p, lifetime));
        }
      }
      BastionClient.await(Future.all(tickers));
      List<Future<?>> connects = new ArrayList<>();
      for (String sandbox : sandboxIds) {
        for (int p = 0; p < processes; p++) {
          for (int w = 0; w < watchers; w++) {
            connects.add(fleet.connect(sandbox, "tick-" + p));
          }
        }
      }
      BastionClient.await(Future.all(connects));
      return fleet;
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  /** Waits until every stream has received a line. */
  void awaitFirstLines(Duration timeout) throws InterruptedException {
    if (!firstLines.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          firstLines.getCount() + " streams had no line within " + timeout.toSeconds() + " s");
    }
  }

  long lines() {
    return followers.stream().mapToLong(f -> f.lines.get()).sum();
  }

  /** What the streams got so far. */
  record Tally(int open, int errors, List<String> errorSamples, long lines, long fewestLines) {}

  Tally tally() {
    List<String> samples = new ArrayList<>();
    int errors = 0;
    int open = 0;
    long fewest = Long.MAX_VALUE;
    for (Follower follower : followers) {
      String error = follower.error;
      if (error != null) {
        errors++;
        if (samples.size() < ERROR_SAMPLES) {
          samples.add(error);
        }
      } else {
        open++;
      }
      fewest = Math.min(fewest, follower.lines.get());
    }
    return new Tally(open, errors, samples, lines(), followers.isEmpty() ? 0 : fewest);
  }

  /** A ticker on an Exec stream whose stdin stays open; completes when it has started. */
  private Future<Void> exec(String sandbox, String tag, Duration lifetime) {
    ExecRequest start =
        ExecRequest.newBuilder()
            .setStart(
                ExecStart.newBuilder()
                    .setSandboxId(sandbox)
                    .addAllArgv(StreamsBenchmark.TICKER)
                    .setTag(tag)
                    .setStdin(true)
                    // Beyond the default timeout (300 s), which would end the hold.
                    .setTimeoutSeconds(lifetime.toSeconds()))
            .build();
    return nextConnection()
        .request(gateway, ProcessesGrpcClient.Exec)
        .compose(
            request -> {
              authorize(request);
              requests.add(request);
              request.write(start);
              return request.response();
            })
        .compose(response -> follow(response, true));
  }

  private Future<Void> connect(String sandbox, String tag) {
    return nextConnection()
        .request(gateway, ProcessesGrpcClient.Connect)
        .compose(
            request -> {
              authorize(request);
              requests.add(request);
              return request.send(
                  ConnectRequest.newBuilder().setSandboxId(sandbox).setTag(tag).build());
            })
        .compose(response -> follow(response, false));
  }

  /**
   * Counts the stream's lines; with {@code untilStarted} completes at its {@code started} event (so
   * Connect by tag finds the process), otherwise at once.
   */
  private Future<Void> follow(GrpcClientResponse<?, ExecEvent> response, boolean untilStarted) {
    Follower follower = new Follower();
    followers.add(follower);
    Promise<Void> started = Promise.promise();
    response.handler(
        event -> {
          if (event.hasStarted()) {
            started.tryComplete();
          } else if (event.hasStdout()) {
            long newLines = event.getStdout().toStringUtf8().chars().filter(c -> c == '\n').count();
            if (follower.lines.getAndAdd(newLines) == 0 && newLines > 0) {
              firstLines.countDown();
            }
          } else if (event.hasExited()) {
            follower.fail("the process exited with " + event.getExited().getExitCode());
          }
        });
    response.exceptionHandler(e -> follower.fail(String.valueOf(e.getMessage())));
    response.endHandler(
        ended ->
            follower.fail(
                "the stream ended: " + response.status() + " " + response.statusMessage()));
    if (!untilStarted) {
      started.tryComplete();
    }
    return started.future();
  }

  private void authorize(GrpcClientRequest<?, ?> request) {
    request.headers().set("authorization", "Bearer " + token);
  }

  private synchronized GrpcClient nextConnection() {
    GrpcClient connection = connections.get(next % connections.size());
    next++;
    return connection;
  }

  /** Cancels every stream (the gateway then cancels its calls to sandboxd) and disconnects. */
  @Override
  public void close() {
    requests.forEach(GrpcClientRequest::cancel);
    List<Future<Void>> closing = new ArrayList<>();
    connections.forEach(c -> closing.add(c.close()));
    BastionClient.await(Future.join(closing).compose(v -> vertx.close()));
  }

  /** One stream's count; the first failure is kept. */
  private static final class Follower {
    final AtomicLong lines = new AtomicLong();
    volatile String error;

    void fail(String reason) {
      if (error == null) {
        error = reason;
      }
    }
  }
}
