package dev.bastion.gateway.server;

import dev.bastion.controller.EmbeddedController;
import dev.bastion.controller.SandboxController;
import dev.bastion.controller.embedded.SandboxSoftware;
import dev.bastion.controller.image.ImageStore;
import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.RootFilesystem;
import dev.bastion.controller.runtime.RuntimeFailure;
import dev.bastion.controller.runtime.SandboxCgroups;
import dev.bastion.controller.runtime.SandboxdRuntime;
import dev.bastion.controller.sandbox.EmbeddedOptions;
import dev.bastion.controller.sandbox.SandboxService;
import dev.bastion.gateway.access.FileStreams;
import dev.bastion.gateway.access.GatedSandboxes;
import dev.bastion.gateway.access.GatewayExecs;
import dev.bastion.gateway.access.SandboxdAccess;
import dev.bastion.gateway.access.SandboxdCalls;
import dev.bastion.gateway.access.SandboxdClients;
import dev.bastion.gateway.auth.Authenticator;
import dev.bastion.gateway.auth.TokenFile;
import dev.bastion.gateway.console.ConsoleApi;
import dev.bastion.gateway.console.ConsoleAssets;
import dev.bastion.gateway.console.WebConsole;
import dev.bastion.gateway.grpc.CallerTenant;
import dev.bastion.gateway.grpc.ContextsApi;
import dev.bastion.gateway.grpc.FilesApi;
import dev.bastion.gateway.grpc.GrpcAdmission;
import dev.bastion.gateway.grpc.ProcessesApi;
import dev.bastion.gateway.grpc.SandboxdForwarder;
import dev.bastion.gateway.grpc.SandboxesApi;
import dev.bastion.gateway.http.HttpEndpoints;
import dev.bastion.gateway.http.MetricsEndpoint;
import dev.bastion.gateway.http.ResourceApi;
import dev.bastion.gateway.mcp.McpEndpoint;
import dev.bastion.gateway.metrics.EventLoopLag;
import dev.bastion.gateway.metrics.GatewayMetricsOptions;
import dev.bastion.gateway.metrics.StreamMetrics;
import dev.bastion.gateway.policy.AuditLog;
import dev.bastion.gateway.policy.ToolGate;
import dev.bastion.gateway.terminal.TerminalRoute;
import dev.bastion.gateway.terminal.TerminalSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.reflection.ReflectionService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Assembles and starts Bastion: the gateway on a port, and the controller that runs sandboxes on
 * this machine (embedded mode) or as Pods in a Kubernetes namespace.
 */
public final class BastionServer {

  // Policy decisions are audited to a file rotated at this size, keeping this many old files.
  private static final long AUDIT_ROTATE_BYTES = 64L * 1024 * 1024;
  private static final int AUDIT_KEEP = 5;

  private final Vertx vertx;
  private final SandboxController controller;
  private final AuditLog audit;
  private final StateDirLock lock;
  private final int port;
  private final String generatedToken;

  private BastionServer(
      Vertx vertx,
      SandboxController controller,
      AuditLog audit,
      StateDirLock lock,
      int port,
      String generatedToken) {
    this.vertx = vertx;
    this.controller = controller;
    this.audit = audit;
    this.lock = lock;
    this.port = port;
    this.generatedToken = generatedToken;
  }

  /**
   * Starts serving: in embedded mode after checking the host, provisioning the root filesystem and
   * recovering the sandboxes of an earlier run; on Kubernetes after reading the namespace's
   * objects. Blocking; {@code progress} hears about slow steps.
   */
  public static BastionServer start(ServerConfig config, Consumer<String> progress) {
    if (config.kubernetesNamespace() != null) {
      return startLocking(
          config,
          new ControllerChoice(
              (vertx, metrics) -> KubernetesStart.controller(vertx, config, metrics),
              // Serving starts once the namespace's objects are read: ready from then on.
              () -> true,
              false));
    }
    HostChecks.verify(config);
    RootFilesystem rootfs = new RootFilesystem(config.cacheDir(), config.mirror());
    SandboxSoftware software;
    try {
      software =
          new SandboxSoftware(
              rootfs.ensure(progress),
              new ImageStore(config.cacheDir().resolve("images"), config.registries()),
              SandboxdRuntime.ofThisJdk(config.cacheDir()).ensure(progress),
              config.sandboxdJar().toAbsolutePath());
    } catch (RuntimeFailure e) {
      throw new StartupException(e.getMessage());
    }
    return startLocking(
        config,
        new ControllerChoice(
            (vertx, metrics) -> embeddedController(config, vertx, software, metrics),
            rootfs::isReady,
            true));
  }

  /**
   * How this start makes its controller.
   *
   * @param ready whether the server can create sandboxes right now (/readyz)
   * @param unixSockets whether sandboxd is reached over Unix sockets (embedded), which needs
   *     Netty's native transport
   */
  private record ControllerChoice(
      java.util.function.BiFunction<Vertx, PrometheusMeterRegistry, Future<SandboxController>> make,
      BooleanSupplier ready,
      boolean unixSockets) {}

  private static BastionServer startLocking(ServerConfig config, ControllerChoice choice) {
    StateDirLock lock = StateDirLock.acquire(config.stateDir());
    try {
      return startLocked(config, choice, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** The tokens in force, and the token made now when there was no tokens file yet. */
  private record Tokens(TokenFile file, String generated) {}

  private static Tokens loadTokens(ServerConfig config) {
    Path tokensFile =
        config.tokensFile() != null ? config.tokensFile() : config.stateDir().resolve("tokens");
    try {
      String generated =
          config.tokensFile() == null && !Files.exists(tokensFile)
              ? TokenFile.generate(tokensFile)
              : null;
      return new Tokens(TokenFile.read(tokensFile), generated);
    } catch (IOException e) {
      throw new StartupException("cannot read or write the tokens file: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage());
    }
  }

  private static BastionServer startLocked(
      ServerConfig config, ControllerChoice choice, StateDirLock lock) {
    Tokens tokens = loadTokens(config);
    AuditLog audit = null;
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setPreferNativeTransport(true)
                    .setMetricsOptions(GatewayMetricsOptions.create()))
            .withMetrics(new MicrometerMetricsFactory(metrics))
            .build();
    try {
      if (choice.unixSockets() && !vertx.isNativeTransportEnabled()) {
        throw new StartupException(
            "Netty's native epoll transport could not load, and sandboxd is reached over Unix"
                + " sockets: run Bastion on Linux x86_64 with a writable java.io.tmpdir");
      }
      EventLoopLag.monitor(vertx, metrics, Duration.ofSeconds(1));
      SandboxController controller = await(choice.make().apply(vertx, metrics));
      SandboxService sandboxes = controller.sandboxes();
      Authenticator authenticator = new Authenticator(tokens.file());
      CallerTenant callers = new CallerTenant(authenticator);
      audit = openAuditLog(config);
      ToolGate gate =
          new ToolGate(controller.policies(), audit, metrics, Clock.systemUTC(), System::nanoTime);
      SandboxdAccess sandboxd =
          new SandboxdAccess(
              new SandboxdClients(vertx, 4L * ServerConfig.MAX_MESSAGE_BYTES),
              sandboxes,
              gate,
              new StreamMetrics(metrics));
      GatedSandboxes gated = new GatedSandboxes(sandboxes, gate);
      SandboxdForwarder forwarder = new SandboxdForwarder(sandboxd, callers);
      SandboxdCalls calls = new SandboxdCalls(sandboxd);
      HttpEndpoints endpoints =
          new HttpEndpoints(
              controller::live,
              choice.ready(),
              new MetricsEndpoint(metrics, config.metricsToken()),
              new ResourceApi(controller, authenticator, gate),
              McpEndpoint.create(authenticator, gated, calls),
              new WebConsole(
                  new ConsoleApi(
                      authenticator,
                      gated,
                      calls,
                      new FileStreams(sandboxd),
                      config.auditLog(),
                      Clock.systemUTC()),
                  ConsoleAssets.load()),
              new TerminalRoute(
                  authenticator,
                  new GatewayExecs(sandboxd),
                  TerminalSettings.fromSystemProperties()));
      int instances = 2 * Runtime.getRuntime().availableProcessors();
      await(
          vertx.deployVerticle(
              () ->
                  new GatewayVerticle(
                      config,
                      v -> grpcServer(v, gated, callers, forwarder),
                      new GrpcAdmission(authenticator),
                      endpoints),
              new DeploymentOptions().setInstances(instances)));
      // Reconciling starts last: filling the warm pool keeps both cores busy for seconds, and the
      // gateway's verticles should not be deployed (class loading and all) under that load.
      await(controller.start());
      return new BastionServer(vertx, controller, audit, lock, config.port(), tokens.generated());
    } catch (RuntimeException e) {
      vertx.close();
      if (audit != null) {
        audit.close();
      }
      throw e;
    }
  }

  /** Loads the store and cleans up after the last run, off the event loop: both touch the disk. */
  private static Future<SandboxController> embeddedController(
      ServerConfig config, Vertx vertx, SandboxSoftware software, PrometheusMeterRegistry metrics) {
    return vertx.executeBlocking(
        () ->
            (SandboxController)
                EmbeddedController.create(
                    vertx,
                    config.stateDir(),
                    new ContainerRuntime(
                        config.runtime(), config.stateDir().resolve(config.runtime().id())),
                    software,
                    new SandboxCgroups(Path.of("/sys/fs/cgroup")),
                    EmbeddedOptions.defaults(),
                    config.ceilings(),
                    config.warmReplicas(),
                    metrics,
                    Clock.systemUTC()));
  }

  private static AuditLog openAuditLog(ServerConfig config) {
    try {
      return new AuditLog(config.auditLog(), AUDIT_ROTATE_BYTES, AUDIT_KEEP);
    } catch (IOException e) {
      throw new StartupException("cannot open the audit log " + config.auditLog() + ": " + e);
    }
  }

  private static GrpcServer grpcServer(
      Vertx vertx, GatedSandboxes sandboxes, CallerTenant callers, SandboxdForwarder forwarder) {
    GrpcServer server =
        GrpcServer.server(
            vertx, new GrpcServerOptions().setMaxMessageSize(ServerConfig.MAX_MESSAGE_BYTES));
    server.addService(new SandboxesApi(sandboxes, callers));
    server.addService(new ProcessesApi(forwarder));
    server.addService(new FilesApi(forwarder));
    server.addService(new ContextsApi(forwarder));
    server.addService(HealthService.create(vertx));
    server.addService(ReflectionService.v1());
    return server;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw new StartupException(
          cause.getMessage() == null ? cause.toString() : cause.getMessage());
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new StartupException("start-up did not finish: " + e);
    }
  }

  public int port() {
    return port;
  }

  /** The token made for this start when no tokens file existed; null otherwise. */
  public String generatedToken() {
    return generatedToken;
  }

  /** Stops serving; running sandboxes stay up and are recovered by the next start. */
  public void close() {
    await(controller.stop());
    await(vertx.close());
    // After the gateway stopped: every decision made is in the queue, and close() writes it out.
    audit.close();
    lock.close();
  }
}
