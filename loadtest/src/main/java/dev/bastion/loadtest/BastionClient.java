package dev.bastion.loadtest;

import dev.bastion.api.v1.CodeContext;
import dev.bastion.api.v1.ContextRequest;
import dev.bastion.api.v1.ContextsGrpcClient;
import dev.bastion.api.v1.CreateContextRequest;
import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteContextResponse;
import dev.bastion.api.v1.DeleteSandboxRequest;
import dev.bastion.api.v1.DeleteSnapshotRequest;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.ResumeSandboxRequest;
import dev.bastion.api.v1.RunCodeRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.SandboxSnapshot;
import dev.bastion.api.v1.SandboxesGrpcClient;
import dev.bastion.api.v1.SnapshotRequest;
import dev.bastion.api.v1.SuspendSandboxRequest;
import dev.bastion.loadtest.bench.Http2Options;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's gRPC client. One client serves both the gateway and the sandboxd sockets, so both
 * paths pay the same client-side costs and only the server side differs.
 */
public final class BastionClient implements AutoCloseable {

  /** The only built-in template. */
  private static final String TEMPLATE = "python";

  private final Vertx vertx;
  private final GrpcClient client;
  private final Endpoint gateway;

  private BastionClient(Vertx vertx, GrpcClient client, Endpoint gateway) {
    this.vertx = vertx;
    this.client = client;
    this.gateway = gateway;
  }

  static BastionClient connect(int port, String token) {
    // sandboxd listens on a Unix socket, which Vert.x reaches only with the native transport.
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    if (!vertx.isNativeTransportEnabled()) {
      vertx.close();
      throw new IllegalStateException("Netty's native epoll transport did not load");
    }
    GrpcClient client =
        GrpcClient.client(vertx, new GrpcClientOptions(), Http2Options.multiplexed());
    Endpoint gateway =
        new Endpoint("gateway", SocketAddress.inetSocketAddress(port, "127.0.0.1"), token);
    return new BastionClient(vertx, client, gateway);
  }

  Endpoint gateway() {
    return gateway;
  }

  /** The sandbox's own sandboxd, bypassing the gateway. */
  static Endpoint direct(Path stateDir, String sandboxId) {
    Path socket = Path.of(directSocket(stateDir, sandboxId));
    String token;
    try {
      // sandboxd answers only callers with the sandbox's token, kept beside its socket.
      token = java.nio.file.Files.readString(socket.resolveSibling("token")).strip();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read the token of sandbox " + sandboxId, e);
    }
    return new Endpoint("direct", SocketAddress.domainSocketAddress(socket.toString()), token);
  }

  /** The absolute path of the sandbox's sandboxd socket under the server's state directory. */
  static String directSocket(Path stateDir, String sandboxId) {
    return stateDir
        .resolve("sandboxes")
        .resolve(sandboxId)
        .resolve("run/sandboxd.sock")
        .toAbsolutePath()
        .toString();
  }

  /** Creates a cold sandbox; blocks until it is READY. */
  SandboxLease create() {
    return create(TEMPLATE);
  }

  /** Creates a cold sandbox from {@code template}; blocks until it is READY. */
  SandboxLease create(String template) {
    Sandbox sandbox =
        await(
            call(
                gateway,
                SandboxesGrpcClient.Create,
                CreateSandboxRequest.newBuilder().setTemplate(template).build()));
    SandboxLease lease = new SandboxLease(this, sandbox.getId());
    if (sandbox.getPhase() != Sandbox.Phase.READY) {
      lease.close();
      throw new IllegalStateException(
          "sandbox " + sandbox.getId() + " is " + sandbox.getPhase() + ": " + sandbox.getMessage());
    }
    return lease;
  }

  /** Claims a sandbox from warm pool {@code pool}; completes when it is READY. */
  Future<Sandbox> claim(String pool) {
    return call(
        gateway,
        SandboxesGrpcClient.Create,
        CreateSandboxRequest.newBuilder().setWarmPool(pool).build());
  }

  /** Suspends sandbox {@code id}; completes once it is SUSPENDED. */
  Future<Sandbox> suspend(String id) {
    return call(
        gateway,
        SandboxesGrpcClient.Suspend,
        SuspendSandboxRequest.newBuilder().setSandboxId(id).build());
  }

  /** Resumes sandbox {@code id}; completes once it is READY. */
  Future<Sandbox> resume(String id) {
    return call(
        gateway,
        SandboxesGrpcClient.Resume,
        ResumeSandboxRequest.newBuilder().setSandboxId(id).build());
  }

  /** Snapshots sandbox {@code id}, which runs on. */
  Future<SandboxSnapshot> snapshot(String id) {
    return call(
        gateway,
        SandboxesGrpcClient.Snapshot,
        SnapshotRequest.newBuilder().setSandboxId(id).build());
  }

  /** Creates a copy of snapshot {@code id}; completes when it is READY. */
  Future<Sandbox> fork(String snapshotId) {
    return call(
        gateway,
        SandboxesGrpcClient.Create,
        CreateSandboxRequest.newBuilder().setSnapshot(snapshotId).build());
  }

  void deleteSnapshot(String id) {
    await(
        call(
            gateway,
            SandboxesGrpcClient.DeleteSnapshot,
            DeleteSnapshotRequest.newBuilder().setSnapshotId(id).build()));
  }

  void delete(String sandboxId) {
    await(
        call(
            gateway,
            SandboxesGrpcClient.Delete,
            DeleteSandboxRequest.newBuilder().setSandboxId(sandboxId).build()));
  }

  /** Runs argv to completion; fails unless it exits 0, so a broken sandbox is never timed. */
  Future<RunResult> run(Endpoint endpoint, String sandboxId, List<String> argv) {
    RunRequest request = RunRequest.newBuilder().setSandboxId(sandboxId).addAllArgv(argv).build();
    return call(endpoint, ProcessesGrpcClient.Run, request)
        .compose(
            result ->
                result.getExitCode() == 0
                    ? Future.succeededFuture(result)
                    : Future.failedFuture(
                        argv
                            + " exited with "
                            + result.getExitCode()
                            + " via "
                            + endpoint.name()
                            + ": "
                            + result.getStderr().toStringUtf8()));
  }

  /**
   * Execs {@code argv} through the gateway and reads its stdout at no more than {@code
   * bytesPerSecond}: the response stream is paused whenever the client is ahead of its pace and
   * resumed when the pace catches up, as a slow reader would. Completes with the bytes read and the
   * exit code.
   */
  Future<LargeStreamBenchmark.StreamResult> pacedExec(
      String sandboxId, List<String> argv, long bytesPerSecond) {
    ExecRequest start =
        ExecRequest.newBuilder()
            .setStart(ExecStart.newBuilder().setSandboxId(sandboxId).addAllArgv(argv))
            .build();
    return client
        .request(gateway.address(), ProcessesGrpcClient.Exec)
        .compose(
            request -> {
              request.headers().set("authorization", "Bearer " + gateway.token());
              request.write(start);
              // No stdin: the half-close tells the process so.
              request.end();
              return request.response();
            })
        .compose(
            response -> {
              Promise<LargeStreamBenchmark.StreamResult> done = Promise.promise();
              AtomicLong received = new AtomicLong();
              AtomicInteger exitCode = new AtomicInteger(-1);
              long begin = System.nanoTime();
              response.handler(
                  event -> {
                    if (event.hasExited()) {
                      exitCode.set(event.getExited().getExitCode());
                      return;
                    }
                    long total = received.addAndGet(event.getStdout().size());
                    long dueNanos = total * 1_000_000_000L / bytesPerSecond;
                    long aheadMillis = (dueNanos - (System.nanoTime() - begin)) / 1_000_000;
                    if (aheadMillis > 0) {
                      response.pause();
                      vertx.setTimer(aheadMillis, id -> response.resume());
                    }
                  });
              response.exceptionHandler(done::tryFail);
              response.endHandler(
                  ended -> {
                    if (response.status() != GrpcStatus.OK) {
                      done.tryFail(
                          "Exec ended with " + response.status() + ": " + response.statusMessage());
                      return;
                    }
                    done.tryComplete(
                        new LargeStreamBenchmark.StreamResult(received.get(), exitCode.get()));
                  });
              return done.future();
            });
  }

  /** Makes a Python code context in the sandbox; completes once its kernel answers. */
  Future<CodeContext> createContext(Endpoint endpoint, String sandboxId) {
    return call(
        endpoint,
        ContextsGrpcClient.Create,
        CreateContextRequest.newBuilder().setSandboxId(sandboxId).build());
  }

  Future<DeleteContextResponse> deleteContext(
      Endpoint endpoint, String sandboxId, String contextId) {
    return call(
        endpoint,
        ContextsGrpcClient.Delete,
        ContextRequest.newBuilder().setSandboxId(sandboxId).setContextId(contextId).build());
  }

  /**
   * Runs {@code code} in the context and completes with the {@link System#nanoTime()} at which its
   * first result (the value of its last expression) arrived; fails when the cell raised or ended
   * without a result, so a broken context is never timed.
   */
  Future<Long> firstResult(Endpoint endpoint, String sandboxId, String contextId, String code) {
    RunCodeRequest run =
        RunCodeRequest.newBuilder()
            .setSandboxId(sandboxId)
            .setContextId(contextId)
            .setCode(code)
            .build();
    return send(endpoint, ContextsGrpcClient.RunCode, run)
        .compose(
            response -> {
              Promise<Long> first = Promise.promise();
              response.handler(
                  event -> {
                    if (event.hasResult()) {
                      first.tryComplete(System.nanoTime());
                    } else if (event.hasError()) {
                      first.tryFail(code + " raised " + event.getError().getName());
                    }
                  });
              response.exceptionHandler(first::tryFail);
              response.endHandler(
                  ended ->
                      first.tryFail(
                          code
                              + " ended with "
                              + response.status()
                              + " and no result via "
                              + endpoint.name()));
              return first.future();
            });
  }

  private <Req, Resp> Future<Resp> call(
      Endpoint endpoint, ServiceMethod<Resp, Req> method, Req message) {
    return send(endpoint, method, message)
        // last() fails on any status but OK; say which call and path failed.
        .compose(response -> response.last())
        .recover(
            failure ->
                Future.failedFuture(
                    new IllegalStateException(
                        method.methodName()
                            + " via "
                            + endpoint.name()
                            + ": "
                            + failure.getMessage(),
                        failure)));
  }

  /** Sends the one request of {@code method} on {@code endpoint}, with its token if it has one. */
  private <Req, Resp> Future<GrpcClientResponse<Req, Resp>> send(
      Endpoint endpoint, ServiceMethod<Resp, Req> method, Req message) {
    return client
        .request(endpoint.address(), method)
        .compose(
            request -> {
              if (endpoint.token() != null) {
                request.headers().set("authorization", "Bearer " + endpoint.token());
              }
              return request.send(message);
            });
  }

  /** Blocks the benchmark's main thread; a create takes seconds, so the bound is generous. */
  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("call did not finish: " + e, e);
    }
  }

  @Override
  public void close() {
    await(client.close().compose(v -> vertx.close()));
  }
}
