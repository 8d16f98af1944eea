package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.MakeDirRequest;
import dev.bastion.api.v1.MoveFileRequest;
import dev.bastion.api.v1.RemoveFileRequest;
import dev.bastion.api.v1.StatFileRequest;
import dev.bastion.api.v1.WatchFilesRequest;
import dev.bastion.api.v1.WriteFileHeader;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The calls the attack ITs make beyond {@link Api}'s, and what they check of the answers. */
final class Calls {

  /** Long enough for any one answer from the gateway, short enough to call a missing one a hang. */
  static final Duration PATIENCE = Duration.ofSeconds(15);

  private Calls() {}

  static Object stat(Channel as, String sandbox, String path) {
    return Api.call(
        as, Api.STAT, StatFileRequest.newBuilder().setSandboxId(sandbox).setPath(path).build());
  }

  static Object remove(Channel as, String sandbox, String path, boolean recursive) {
    return Api.call(
        as,
        Api.REMOVE,
        RemoveFileRequest.newBuilder()
            .setSandboxId(sandbox)
            .setPath(path)
            .setRecursive(recursive)
            .build());
  }

  static Object mkdir(Channel as, String sandbox, String path, boolean parents) {
    return Api.call(
        as,
        Api.MAKE_DIR,
        MakeDirRequest.newBuilder()
            .setSandboxId(sandbox)
            .setPath(path)
            .setParents(parents)
            .build());
  }

  static Object move(Channel as, String sandbox, String source, String destination) {
    return Api.call(
        as,
        Api.MOVE,
        MoveFileRequest.newBuilder()
            .setSandboxId(sandbox)
            .setSource(source)
            .setDestination(destination)
            .build());
  }

  static Object listFiles(Channel as, String sandbox, String path) {
    return Api.call(
        as,
        Api.LIST_FILES,
        ListFilesRequest.newBuilder().setSandboxId(sandbox).setPath(path).build());
  }

  /** Starts a Watch and returns once it is in place; throws its status if it is refused. */
  static Object watch(Channel as, String sandbox, String path) {
    var events =
        ClientCalls.blockingServerStreamingCall(
            as,
            Api.WATCH,
            Api.deadline(5),
            WatchFilesRequest.newBuilder().setSandboxId(sandbox).setPath(path).build());
    try {
      return events.hasNext();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
        return "watching";
      }
      throw e;
    }
  }

  static dev.bastion.api.v1.FileInfo append(
      Channel as, String sandbox, String path, String content) {
    return GatewayIT.write(
        as,
        WriteFileHeader.newBuilder().setSandboxId(sandbox).setPath(path).setAppend(true),
        content);
  }

  /** Sends two request messages on one call; returns the responses or throws its status. */
  static <Req, Resp> List<Resp> twoMessages(
      Channel as, io.grpc.MethodDescriptor<Req, Resp> method, Req first, Req second) {
    CompletableFuture<List<Resp>> done = new CompletableFuture<>();
    List<Resp> responses = new java.util.concurrent.CopyOnWriteArrayList<>();
    StreamObserver<Req> requests =
        ClientCalls.asyncBidiStreamingCall(
            as.newCall(method, Api.deadline(60)),
            new StreamObserver<>() {
              @Override
              public void onNext(Resp response) {
                responses.add(response);
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                done.complete(responses);
              }
            });
    requests.onNext(first);
    requests.onNext(second);
    requests.onCompleted();
    try {
      return done.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** {@code api}'s channel with {@code authorization} as it is, whatever it says. */
  static Channel withAuthorization(Api api, String authorization) {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(
        io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
        authorization);
    return io.grpc.ClientInterceptors.intercept(
        api.as(null), io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /**
   * A status a client may see: never UNKNOWN, INTERNAL only as "internal error" or naming the
   * client's own path, and no stack trace, exception name or {@code hostPath} in the message.
   */
  static void assertCleanStatus(Status status, Path hostPath) {
    assertThat(status.getCode()).isNotEqualTo(Status.Code.UNKNOWN);
    String message = status.getDescription() == null ? "" : status.getDescription();
    if (status.getCode() == Status.Code.INTERNAL) {
      // sandboxd names the client's own path when the file system fails it.
      assertThat(message).matches("internal error|I/O error on /workspace.*|");
    }
    assertThat(message)
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain(".java:")
        .doesNotContain(hostPath.toString());
  }

  /**
   * The gateway on {@code port} answers /healthz and the gRPC health check, and runs a command in
   * {@code sandbox} for {@code as}.
   */
  static void assertGatewayHealthy(Api api, int port, Channel as, String sandbox)
      throws IOException, InterruptedException {
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(PATIENCE)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(
            HealthGrpc.newBlockingStub(api.as(null))
                .withDeadlineAfter(PATIENCE.toSeconds(), TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(Api.run(as, sandbox, "true").getExitCode()).isZero();
  }
}
