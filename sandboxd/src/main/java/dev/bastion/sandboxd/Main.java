package dev.bastion.sandboxd;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point: parses flags, serves until the process is told to stop. */
public final class Main {

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  private Main() {}

  /**
   * Starts sandboxd; exits 2 on bad flags and 1 when the server cannot start. With {@code
   * --health-check} it probes the configured server instead: exit 0 when it answers, 1 with the
   * reason when not.
   */
  public static void main(String[] args) {
    // One line per record: the runtime collects sandboxd's stderr as its log.
    System.setProperty(
        "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    SandboxdConfig config;
    try {
      config = SandboxdConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("sandboxd: " + e.getMessage());
      System.err.println(SandboxdConfig.USAGE);
      // Docker reserves a health check's exit 2: any failure of one is plain "unhealthy".
      System.exit(Arrays.asList(args).contains("--health-check") ? 1 : 2);
      return;
    }
    if (config.healthCheck()) {
      Optional<String> problem = HealthCheck.probe(config);
      if (problem.isPresent()) {
        System.err.println("sandboxd: unhealthy: " + problem.get());
        System.exit(1);
      }
      System.out.println("sandboxd: healthy");
      System.exit(0);
      return;
    }
    SandboxdServer server;
    try {
      server = SandboxdServer.start(config).toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      LOG.log(Level.SEVERE, "sandboxd could not start: " + cause.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server
                        .close()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    // Exiting anyway; tini and the runtime clean up what is left.
                  }
                }));
  }
}
