package dev.bastion.loadtest.bench;

import dev.bastion.api.grpc.StatusMessages;
import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.api.v1.DeleteSandboxRequest;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.SandboxesGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandboxes a run creates for itself ({@code --sandboxes N --template T}) through the gateway,
 * with the run's metadata (its token), and deletes at the end.
 */
final class BenchSandboxes {

  /** Labelled so that any a crashed run leaves behind can be found. */
  static final String LABEL = "bastion-bench";

  private final GrpcClient client;
  private final SocketAddress target;
  private final Map<String, String> headers;

  BenchSandboxes(GrpcClient client, SocketAddress target, Map<String, String> headers) {
    this.client = client;
    this.target = target;
    this.headers = headers;
  }

  /**
   * Creates {@code count} sandboxes at once, each READY when its create returns. Completes with the
   * ids of all of them, or fails after deleting those that were made.
   */
  Future<List<String>> create(String template, int count) {
    List<Future<Sandbox>> creates = new ArrayList<>();
    CreateSandboxRequest request =
        CreateSandboxRequest.newBuilder().setTemplate(template).putLabels(LABEL, "true").build();
    for (int i = 0; i < count; i++) {
      creates.add(
          call(SandboxesGrpcClient.Create, request)
              .compose(
                  sandbox ->
                      sandbox.getPhase() == Sandbox.Phase.READY
                          ? Future.succeededFuture(sandbox)
                          : delete(sandbox.getId())
                              .transform(
                                  deleted ->
                                      Future.failedFuture(
                                          "sandbox "
                                              + sandbox.getId()
                                              + " is "
                                              + sandbox.getPhase()
                                              + ": "
                                              + sandbox.getMessage()))));
    }
    return Future.join(creates)
        .transform(
            joined -> {
              List<String> made = new ArrayList<>();
              Throwable failure = null;
              for (Future<Sandbox> create : creates) {
                if (create.succeeded()) {
                  made.add(create.result().getId());
                } else if (failure == null) {
                  failure = create.cause();
                }
              }
              if (failure == null) {
                return Future.succeededFuture(List.copyOf(made));
              }
              String reason =
                  "cannot create a sandbox from template " + template + ": " + failure.getMessage();
              return delete(made).transform(deleted -> Future.failedFuture(reason));
            });
  }

  /** Deletes them all, each tried even if another fails; fails naming those left behind. */
  Future<Void> delete(List<String> ids) {
    List<Future<Void>> deletes = ids.stream().map(this::delete).toList();
    return Future.join(deletes)
        .transform(
            joined -> {
              List<String> left = new ArrayList<>();
              for (int i = 0; i < ids.size(); i++) {
                if (deletes.get(i).failed()) {
                  left.add(ids.get(i) + " (" + deletes.get(i).cause().getMessage() + ")");
                }
              }
              return left.isEmpty()
                  ? Future.succeededFuture()
                  : Future.failedFuture("could not delete sandboxes " + String.join(", ", left));
            });
  }

  private Future<Void> delete(String id) {
    return call(
            SandboxesGrpcClient.Delete, DeleteSandboxRequest.newBuilder().setSandboxId(id).build())
        .mapEmpty();
  }

  private <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req message) {
    return client
        .request(target, method)
        .compose(
            request -> {
              headers.forEach(request.headers()::add);
              return request.send(message);
            })
        .compose(
            response ->
                response
                    .last()
                    .recover(
                        failure ->
                            Future.failedFuture(
                                response.status() == null || response.status() == GrpcStatus.OK
                                    ? failure.getMessage()
                                    : CallOutcome.of(response.status(), StatusMessages.of(response))
                                        .error())));
  }
}
