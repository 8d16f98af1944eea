package dev.bastion.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code bastion serve} in its own JVM, so its RSS is the gateway's alone and not the
 * benchmark's. Closing it stops the server the way an operator would (SIGTERM).
 */
final class GatewayProcess implements AutoCloseable {

  /** Generous: the first start on a machine builds the sandbox root filesystem. */
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(10);

  private final Process process;
  private final int port;
  private final Duration startup;

  private GatewayProcess(Process process, int port, Duration startup) {
    this.process = process;
    this.port = port;
    this.startup = startup;
  }

  /**
   * Starts the server from the checkout's jars, its warm pool {@code python} keeping {@code warm}
   * sandboxes, and waits until /readyz answers 200.
   */
  static GatewayProcess start(Path repo, Path stateDir, int warm)
      throws IOException, InterruptedException {
    return start(repo, stateDir, warm, List.of());
  }

  /** The same, with more {@code serve} options. */
  static GatewayProcess start(Path repo, Path stateDir, int warm, List<String> serveOptions)
      throws IOException, InterruptedException {
    int port = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = stateDir.resolve("gateway.log");
    Files.createDirectories(stateDir);
    List<String> argv =
        new java.util.ArrayList<>(
            List.of(
                java,
                "-Dbastion.sandboxd.jar=" + repo.resolve("sandboxd/target/sandboxd.jar"),
                "-jar",
                repo.resolve("gateway/target/bastion.jar").toString(),
                "serve",
                "--port",
                Integer.toString(port),
                "--state-dir",
                stateDir.toString(),
                "--warm",
                Integer.toString(warm)));
    argv.addAll(serveOptions);
    Process process =
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long begin = System.nanoTime();
    try {
      awaitReady(process, port, log);
    } catch (IOException | InterruptedException | RuntimeException e) {
      stop(process);
      throw e;
    }
    return new GatewayProcess(process, port, Duration.ofNanos(System.nanoTime() - begin));
  }

  private static void awaitReady(Process process, int port, Path log)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the gateway exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // Connection refused until the server binds its port.
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the gateway was not ready within " + READY_TIMEOUT);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The admin token the server wrote on its first start: the first entry of the tokens file. */
  static String token(Path stateDir) {
    try {
      return Files.readAllLines(stateDir.resolve("tokens")).stream()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .map(line -> line.split("\\s+")[0])
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("the tokens file has no token"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the gateway's tokens file", e);
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Duration startup() {
    return startup;
  }

  @Override
  public void close() throws InterruptedException {
    stop(process);
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(1, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
    }
  }
}
