package dev.bastion.client;

import static org.junit.jupiter.api.Assertions.fail;

import dev.bastion.controller.embedded.SandboxCeilings;
import dev.bastion.controller.image.PullRules;
import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.controller.runtime.WorkspaceVolume;
import dev.bastion.gateway.server.BastionServer;
import dev.bastion.gateway.server.ServerConfig;
import dev.bastion.gateway.server.StartupException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real Bastion server in this JVM, with gVisor sandboxes and its warm pool {@code python} of two,
 * started once for every SDK IT and stopped after the last. A test class takes it with
 * {@code @ExtendWith(EmbeddedBastion.class)} and a {@link Server} parameter of its
 * {@code @BeforeAll}.
 *
 * <p>What the server needs (root, runsc, the sandbox root filesystem) is checked as {@code bastion
 * serve} checks it; a missing piece skips the ITs with the reason, except on CI (CI=true), whose
 * setup provides all of it, where it fails them.
 */
final class EmbeddedBastion implements BeforeAllCallback, ParameterResolver {

  /** An admin tenant: it may apply policies. */
  static final String ALICE = "sdk-alice-token-0123456789";

  static final String BOB = "sdk-bob-token-0123456789";

  private static final int WARM = 2;
  private static final Duration POOL_PATIENCE = Duration.ofMinutes(5);
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedBastion.class);

  /** The running server, as tests see it. */
  record Server(String url, int port) {

    /** {@code method} on the server's resource API as {@code token}, with a JSON answer. */
    JsonObject resources(String token, String method, String path, String yaml)
        throws IOException, InterruptedException {
      // HTTP/1.1, as the bastion CLI uses it.
      HttpResponse<String> answer =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url + path))
                      .header("Authorization", "Bearer " + token)
                      .method(
                          method,
                          yaml == null
                              ? HttpRequest.BodyPublishers.noBody()
                              : HttpRequest.BodyPublishers.ofString(yaml))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new IllegalStateException(method + " " + path + ": " + answer.body());
      }
      return new JsonObject(answer.body());
    }

    /** Returns once the warm pool {@code python} is full, so that the next claim is served warm. */
    void awaitWarmPool() throws IOException, InterruptedException {
      long deadline = System.nanoTime() + POOL_PATIENCE.toNanos();
      while (true) {
        // The resource API answers a list, even for one name.
        JsonObject pool =
            resources(ALICE, "GET", "/v1/resources/swp/python", null)
                .getJsonArray("items")
                .getJsonObject(0);
        JsonObject status = pool.getJsonObject("status", new JsonObject());
        if (status.getInteger("readyReplicas", 0) == WARM) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the warm pool was not full in time: " + status);
        }
        Thread.sleep(200);
      }
    }
  }

  /** Deletes what sandboxes each of {@code tenants} still has, and closes it: a test's teardown. */
  static void closeAll(Bastion... tenants) {
    for (Bastion tenant : tenants) {
      if (tenant != null) {
        tenant.sandboxes().list().forEach(Sandbox::close);
        tenant.close();
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    running(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Server.class;
  }

  @Override
  public Server resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return running(context).server;
  }

  private static Running running(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class);
  }

  /** The server and its state directory; the root store closes it after the last test. */
  private static final class Running implements AutoCloseable {

    private final BastionServer bastion;
    private final Path dir;
    private final Server server;

    private Running(BastionServer bastion, Path dir) {
      this.bastion = bastion;
      this.dir = dir;
      this.server = new Server("http://127.0.0.1:" + bastion.port(), bastion.port());
    }

    static Running start() {
      try {
        // Short: sandboxd's Unix sockets live below it, and their paths are limited to 107 bytes.
        Path dir = Files.createTempDirectory("sdk-it");
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, ALICE + " alice admin\n" + BOB + " bob\n");
        Running running = new Running(startServer(dir, tokens), dir);
        try {
          running.server.awaitWarmPool();
        } catch (IOException | InterruptedException | RuntimeException e) {
          running.close();
          throw e;
        }
        return running;
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("the embedded server did not start", e);
      }
    }

    private static BastionServer startServer(Path dir, Path tokens) throws IOException {
      Path state = dir.resolve("state");
      ServerConfig config =
          new ServerConfig(
              "127.0.0.1",
              freePort(),
              state,
              tokens,
              RuntimeKind.GVISOR,
              Path.of(System.getProperty("user.home"), ".cache", "bastion"),
              "http://deb.debian.org/debian",
              Path.of(
                  System.getProperty("bastion.sandboxd.jar", "../sandboxd/target/sandboxd.jar")),
              WARM,
              state.resolve("audit.jsonl"),
              null,
              SandboxCeilings.defaults(),
              null,
              PullRules.standard());
      try {
        return BastionServer.start(config, line -> System.out.println("[server] " + line));
      } catch (StartupException e) {
        deleteTree(dir);
        if (System.getenv("CI") != null) {
          fail("CI must provide what the SDK ITs need, but: " + e.getMessage());
        }
        Assumptions.abort("SKIPPED: " + e.getMessage());
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      bastion.close();
      // The server leaves sandboxes running for its next start; a test's server has none.
      Path state = dir.resolve("state");
      ContainerRuntime runtime = new ContainerRuntime(RuntimeKind.GVISOR, state.resolve("gvisor"));
      runtime.list().keySet().forEach(runtime::remove);
      new WorkspaceVolume().unmountAllUnder(state);
      deleteTree(dir);
    }

    private static int freePort() throws IOException {
      try (ServerSocket probe = new ServerSocket(0)) {
        return probe.getLocalPort();
      }
    }

    private static void deleteTree(Path root) throws IOException {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }
}
