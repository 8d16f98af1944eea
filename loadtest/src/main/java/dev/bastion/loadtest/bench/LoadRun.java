package dev.bastion.loadtest.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The load itself, as ghz makes it: {@code -c} workers, each making one call after the other,
 * spread over {@code --connections} connections (worker i on connection i mod connections); {@code
 * -n} calls in all, or as many as fit in {@code -z}; at most {@code --rps} calls started per
 * second, paced from the start of the run. Each worker is a verticle, so its calls and timers run
 * on its own event loop context.
 *
 * <p>When {@code -z} is reached no call starts, and the calls in flight finish (bounded by {@code
 * -t}) and are counted. {@link #stop()} (Ctrl-C) cancels the calls in flight.
 */
final class LoadRun {

  /** What the run needs to make its calls. */
  record Plan(
      BenchMethod method,
      Payload payload,
      List<String> sandboxIds,
      int concurrency,
      long total,
      Duration duration,
      int rps,
      Duration timeout,
      StreamOptions streams) {}

  private final Vertx vertx;
  private final List<GrpcClient> connections;
  private final List<BenchTarget> targets;
  private final Plan plan;
  private final Tally tally;
  private final AtomicLong issued = new AtomicLong();
  private final Map<GrpcCall, Context> inFlight = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private long startNanos;
  private long endNanos;

  LoadRun(
      Vertx vertx,
      List<GrpcClient> connections,
      List<BenchTarget> targets,
      Plan plan,
      Tally tally) {
    this.vertx = vertx;
    this.connections = connections;
    this.targets = targets;
    this.plan = plan;
    this.tally = tally;
  }

  /** Runs the load; completes with ghz's end reason when the last call has ended. */
  Future<String> run() {
    List<Future<Void>> workers = new CopyOnWriteArrayList<>();
    AtomicInteger ids = new AtomicInteger();
    int count =
        plan.duration().isZero()
            ? (int) Math.min(plan.concurrency(), plan.total())
            : plan.concurrency();
    startNanos = System.nanoTime();
    return vertx
        .deployVerticle(
            () -> new Worker(ids.getAndIncrement(), workers::add),
            new DeploymentOptions().setInstances(count))
        .compose(deployment -> Future.all(workers))
        .map(
            all -> {
              endNanos = System.nanoTime();
              if (stopped) {
                return BenchReport.CANCEL;
              }
              return plan.duration().isZero() ? BenchReport.NORMAL : BenchReport.TIMEOUT;
            });
  }

  /** From the start of the run to the end of its last call. */
  Duration elapsed() {
    return Duration.ofNanos((endNanos == 0 ? System.nanoTime() : endNanos) - startNanos);
  }

  /** Starts no more calls and cancels those in flight; {@link #run()} then completes. */
  void stop() {
    stopped = true;
    inFlight.forEach((call, context) -> context.runOnContext(ignored -> call.cancel()));
  }

  /**
   * The number of the next call, or -1 when the run is over. Calls are numbered in the order they
   * are claimed, from 0, as ghz numbers its {@code RequestNumber}.
   */
  private long claim() {
    if (stopped) {
      return -1;
    }
    if (!plan.duration().isZero()) {
      return System.nanoTime() - startNanos < plan.duration().toNanos()
          ? issued.getAndIncrement()
          : -1;
    }
    long number = issued.getAndIncrement();
    return number < plan.total() ? number : -1;
  }

  /** How long call {@code number} waits for its turn under {@code --rps}, in milliseconds. */
  private long delayMillis(long number) {
    if (plan.rps() <= 0) {
      return 0;
    }
    long due = startNanos + Math.round(number * 1e9 / plan.rps());
    return (due - System.nanoTime()) / 1_000_000;
  }

  /** One worker: a call, then the next, on its own context until the run is over. */
  private final class Worker extends VerticleBase {

    private final int id;
    private final String name;
    private final GrpcClient connection;
    private final Consumer<Future<Void>> register;
    private final Promise<Void> done = Promise.promise();

    Worker(int id, Consumer<Future<Void>> register) {
      this.id = id;
      this.name = "g" + id + "c" + (id % connections.size());
      this.connection = connections.get(id % connections.size());
      this.register = register;
    }

    @Override
    public Future<?> start() {
      register.accept(done.future());
      context.runOnContext(ignored -> next());
      return Future.succeededFuture();
    }

    private void next() {
      long number = claim();
      if (number < 0) {
        done.complete();
        return;
      }
      long delay = delayMillis(number);
      if (delay >= 1) {
        vertx.setTimer(delay, timer -> call(number));
      } else {
        call(number);
      }
    }

    private void call(long number) {
      if (stopped) {
        done.complete();
        return;
      }
      String sandbox =
          plan.sandboxIds().isEmpty()
              ? ""
              : plan.sandboxIds().get((int) (number % plan.sandboxIds().size()));
      CallData data = CallData.of(name, number, sandbox, plan.method());
      long start = System.nanoTime();
      BenchTarget target = targets.get((int) (number % targets.size()));
      GrpcCall call;
      try {
        call =
            new GrpcCall(
                vertx,
                plan.method(),
                plan.payload().messages(data),
                target.headersOver(plan.payload().metadata(data)),
                plan.timeout(),
                plan.streams());
      } catch (IllegalArgumentException e) {
        // The data passed the check before the run, but this call's rendering is not valid.
        tally.record(CallOutcome.of(GrpcStatus.UNKNOWN, e.getMessage()), 0);
        context.runOnContext(ignored -> next());
        return;
      }
      inFlight.put(call, context);
      call.start(connection, target.address())
          .onComplete(
              ended -> {
                tally.record(ended.result(), System.nanoTime() - start);
                inFlight.remove(call);
                // A fresh stack for the next call, whatever completed this one.
                context.runOnContext(ignored -> next());
              });
      if (stopped) {
        // stop() ran between the check above and put(): it could not see this call.
        call.cancel();
      }
    }
  }
}
