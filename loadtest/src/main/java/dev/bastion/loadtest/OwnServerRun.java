package dev.bastion.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A benchmark on a server of its own: starts it from the checkout's jars on a fresh state directory
 * and connects a client; afterwards records any failure as the report's {@code error},
 * force-deletes and records containers left behind (an error: every benchmark deletes what it
 * made), and prints the report, writing it to a file when asked.
 */
final class OwnServerRun {

  /** What the benchmark does with its server; it puts its results in the report. */
  interface Body {
    void run(GatewayProcess gateway, BastionClient client, Path stateDir) throws Exception;
  }

  private OwnServerRun() {}

  /**
   * Runs {@code body}; returns the exit status: 0, or 1 on any error or leaked container (never on
   * a timing).
   *
   * @param name names the state directory, {@code /tmp/bastion-NAME-*}
   * @param warm the replicas of the server's warm pool {@code python}
   * @param out where to write the report as JSON, or null
   */
  static int run(String name, Path repo, int warm, Report report, Path out, Body body)
      throws IOException, InterruptedException {
    return run(name, repo, warm, List.of(), report, out, body);
  }

  /** The same, with more {@code serve} options. */
  static int run(
      String name,
      Path repo,
      int warm,
      List<String> serveOptions,
      Report report,
      Path out,
      Body body)
      throws IOException, InterruptedException {
    int status = 0;
    Path stateDir = Files.createTempDirectory("bastion-" + name + "-");
    try (GatewayProcess gateway =
            GatewayProcess.start(repo.toAbsolutePath(), stateDir, warm, serveOptions);
        BastionClient client =
            BastionClient.connect(gateway.port(), GatewayProcess.token(stateDir))) {
      body.run(gateway, client, stateDir);
    } catch (Exception e) {
      report.put("error", e.toString());
      status = 1;
    }
    if (Containers.removeLeaked(stateDir, report)) {
      status = 1;
    }
    report.emit(out);
    return status;
  }
}
