package dev.bastion.loadtest.images;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The CNCF distribution registry (Debian's {@code docker-registry}) on loopback over plain HTTP,
 * for tests and benchmarks that pull real images: open, or behind an htpasswd password.
 */
public final class LocalRegistry implements AutoCloseable {

  private final Process process;
  private final int port;

  private LocalRegistry(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** A registry anyone may pull from and push to, storing under {@code dir}. */
  public static LocalRegistry open(Path dir) throws IOException, InterruptedException {
    return start(dir, "");
  }

  /** A registry that answers only {@code user} with {@code password}. */
  public static LocalRegistry withPassword(Path dir, String user, String password)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, Commands.require(List.of("htpasswd", "-Bbn", user, password)));
    return start(dir, "auth:\n  htpasswd:\n    realm: bastion-test\n    path: " + htpasswd + "\n");
  }

  private static LocalRegistry start(Path dir, String auth)
      throws IOException, InterruptedException {
    if (!Commands.installed("docker-registry")) {
      throw new IllegalStateException(
          "docker-registry is not installed: apt-get install docker-registry");
    }
    Files.createDirectories(dir);
    int port = freePort();
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        "version: 0.1\n"
            + "log: {level: warn}\n"
            + "storage:\n  filesystem: {rootdirectory: "
            + dir.resolve("storage")
            + "}\n  delete: {enabled: true}\n"
            + "http: {addr: \"127.0.0.1:"
            + port
            + "\"}\n"
            + auth);
    Path log = dir.resolve("registry.log");
    Process process =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    LocalRegistry registry = new LocalRegistry(process, port);
    registry.awaitAnswer(log);
    return registry;
  }

  /** Waits until /v2/ answers: 200 when open, 401 behind a password. */
  private void awaitAnswer(Path log) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        int status =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException notListeningYet) {
        // Polled again below: the registry binds its port a moment after it starts.
      }
      Thread.sleep(50);
    }
    close();
    throw new IllegalStateException(
        "the registry did not answer within 20 s: " + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  /** {@code 127.0.0.1:PORT}, the registry part of its images' references. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
