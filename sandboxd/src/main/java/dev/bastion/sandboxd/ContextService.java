package dev.bastion.sandboxd;

import dev.bastion.api.v1.CodeContext;
import dev.bastion.api.v1.CodeEvent;
import dev.bastion.api.v1.ContextRequest;
import dev.bastion.api.v1.ContextsGrpcService;
import dev.bastion.api.v1.CreateContextRequest;
import dev.bastion.api.v1.DeleteContextResponse;
import dev.bastion.api.v1.ListContextsResponse;
import dev.bastion.api.v1.RunCodeRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.StatusException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code service Contexts}: code that runs where the previous cell left off, one Jupyter kernel per
 * context. The contexts are kept on one Vert.x context of their own, so they need no locks.
 */
final class ContextService {

  /** The most contexts one sandbox holds: each is a kernel process and its memory. */
  static final int MAX_CONTEXTS = 8;

  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final Vertx vertx;
  private final SandboxdConfig config;
  private final WorkspacePaths paths;
  private final Context home;
  private final Map<String, KernelContext> contexts = new LinkedHashMap<>();
  private final Map<String, String> defaults = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Spawner spawner;

  ContextService(Vertx vertx, SandboxdConfig config, WorkspacePaths paths, Spawner spawner) {
    this.vertx = vertx;
    this.config = config;
    this.paths = paths;
    this.spawner = spawner;
    this.home = vertx.getOrCreateContext();
  }

  void bind(GrpcServer server) {
    GrpcErrors.unary(
        server,
        ContextsGrpcService.Create,
        r -> create(r).map(context -> context.describe(r.getSandboxId())));
    server.callHandler(ContextsGrpcService.RunCode, this::runCode);
    GrpcErrors.unary(
        server,
        ContextsGrpcService.Interrupt,
        r ->
            onHome(
                () -> {
                  KernelContext context = find(r.getContextId());
                  context.interrupt();
                  return context.describe(r.getSandboxId());
                }));
    GrpcErrors.unary(server, ContextsGrpcService.Restart, this::restart);
    GrpcErrors.unary(
        server,
        ContextsGrpcService.Delete,
        r ->
            onHome(() -> remove(find(r.getContextId())))
                .compose(this::close)
                .map(closed -> DeleteContextResponse.getDefaultInstance()));
    GrpcErrors.unary(
        server,
        ContextsGrpcService.List,
        r ->
            onHome(
                () -> {
                  ListContextsResponse.Builder list = ListContextsResponse.newBuilder();
                  contexts.values().forEach(c -> list.addContexts(c.describe(r.getSandboxId())));
                  return list.build();
                }));
  }

  private Future<KernelContext> create(CreateContextRequest request) {
    String language = KernelSpecs.language(request.getLanguage());
    return kernelSpec(request.getEnvMap(), request.getCwd())
        .compose(spec -> start(newId(), language, spec));
  }

  /**
   * A kernel's environment and working directory, checked as a process's are (the argv stands in
   * for the kernelspec's, which sandboxd chooses).
   */
  private Future<LaunchSpec> kernelSpec(Map<String, String> env, String cwd) {
    try {
      return Future.succeededFuture(
          LaunchSpec.of(List.of("kernel"), env, cwd, 0, Optional.empty(), config));
    } catch (StatusException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Starts a kernel for the context {@code id} (a new one, or one being restarted), registered on
   * the home context once it answers.
   */
  private Future<KernelContext> start(String id, String language, LaunchSpec spec) {
    return onHome(
            () -> {
              if (contexts.size() >= MAX_CONTEXTS) {
                throw new StatusException(
                    GrpcStatus.RESOURCE_EXHAUSTED,
                    "a sandbox holds at most " + MAX_CONTEXTS + " contexts: delete one first");
              }
              KernelContext context =
                  new KernelContext(
                      id,
                      language,
                      spec,
                      spec.cwd().isEmpty() ? config.workspace().toString() : spec.cwd(),
                      home);
              contexts.put(context.id(), context);
              return context;
            })
        .compose(
            context ->
                Future.fromCompletionStage(
                        spawner.submit(
                            launcher -> {
                              context.start(
                                  paths, config.runAs(), config.processDefaults(), launcher);
                              return context;
                            }),
                        home)
                    .recover(ProcessService::asStatus)
                    .compose(
                        started ->
                            started
                                .answered()
                                .timeout(
                                    KernelContext.START_TIMEOUT.toSeconds(),
                                    java.util.concurrent.TimeUnit.SECONDS))
                    .map(answered -> context)
                    .recover(
                        failed ->
                            onHome(() -> remove(context))
                                .compose(this::close)
                                .compose(closed -> Future.failedFuture(failed))));
  }

  private void runCode(GrpcServerRequest<RunCodeRequest, CodeEvent> request) {
    request
        .last()
        .compose(run -> contextFor(run).map(context -> Map.entry(run, context)))
        .onComplete(
            found -> {
              if (found.failed()) {
                GrpcErrors.fail(request.response(), found.cause());
                return;
              }
              RunCodeRequest run = found.result().getKey();
              KernelContext context = found.result().getValue();
              long timeout =
                  run.getTimeoutSeconds() == 0
                      ? config.defaultTimeoutSeconds()
                      : Math.min(run.getTimeoutSeconds(), config.maxTimeoutSeconds());
              home.runOnContext(
                  v -> {
                    try {
                      CellRun cell =
                          context.run(
                              run.getCode(),
                              Duration.ofSeconds(timeout),
                              config.runOutputCap(),
                              event -> {
                                request.response().write(event);
                                if (event.hasDone()) {
                                  request.response().end();
                                }
                              });
                      GrpcErrors.whenClientGone(
                          request,
                          () ->
                              home.runOnContext(
                                  x -> {
                                    if (!cell.finished()) {
                                      context.interrupt();
                                    }
                                  }));
                    } catch (StatusException e) {
                      GrpcErrors.fail(request.response(), e);
                    }
                  });
            });
  }

  /** The context a RunCode names, or the sandbox's default one for its language. */
  private Future<KernelContext> contextFor(RunCodeRequest run) {
    if (!run.getContextId().isEmpty()) {
      return onHome(() -> find(run.getContextId()));
    }
    String language = KernelSpecs.language(run.getLanguage());
    return onHome(() -> Optional.ofNullable(defaults.get(language)).map(contexts::get))
        .compose(
            existing -> {
              if (existing.isPresent()) {
                return Future.succeededFuture(existing.get());
              }
              return kernelSpec(Map.of(), "")
                  .compose(spec -> start(newId(), language, spec))
                  .compose(
                      made ->
                          onHome(
                              () -> {
                                // Two first calls may each have made one; the first to get
                                // here is the default. One whose default is being restarted
                                // gets the context it made.
                                defaults.putIfAbsent(language, made.id());
                                return contexts.getOrDefault(defaults.get(language), made);
                              }));
            });
  }

  /**
   * Replaces a context's kernel with a fresh one under the same id, language, environment and
   * working directory; a default context stays the default. A kernel that cannot be started again
   * leaves no context behind.
   */
  private Future<CodeContext> restart(ContextRequest request) {
    return onHome(
            () -> {
              KernelContext old = find(request.getContextId());
              contexts.remove(old.id());
              return old;
            })
        .compose(old -> close(old).map(closed -> old))
        .compose(old -> start(old.id(), old.language(), old.spec()))
        .map(fresh -> fresh.describe(request.getSandboxId()));
  }

  private KernelContext find(String id) throws StatusException {
    KernelContext context = contexts.get(id);
    if (context == null) {
      throw GrpcErrors.notFound("no context " + id + " in this sandbox");
    }
    return context;
  }

  private KernelContext remove(KernelContext context) {
    contexts.remove(context.id());
    defaults.values().remove(context.id());
    return context;
  }

  private Future<Void> close(KernelContext context) {
    return vertx.executeBlocking(
        () -> {
          context.close();
          return null;
        },
        false);
  }

  private String newId() {
    StringBuilder id = new StringBuilder("ctx-");
    for (int i = 0; i < 12; i++) {
      id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }

  /** Work that reads or changes the contexts, and may refuse with a status. */
  private interface HomeWork<T> {
    T run() throws StatusException;
  }

  /** Runs {@code work} on the contexts' own Vert.x context. */
  private <T> Future<T> onHome(HomeWork<T> work) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    home.runOnContext(
        v -> {
          try {
            promise.complete(work.run());
          } catch (StatusException e) {
            promise.fail(e);
          }
        });
    return promise.future();
  }
}
