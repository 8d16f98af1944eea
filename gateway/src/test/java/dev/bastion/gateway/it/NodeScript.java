package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node script that drives the gateway from outside Java, kept in a folder of {@code src/test}
 * with its own package.json and lock file: McpIT's client on the official MCP TypeScript SDK
 * ({@code src/test/mcp}), the console's browser test on playwright-core ({@code src/test/browser}).
 * Installed with {@code npm ci} and run with node; the script prints one JSON report on stdout. Off
 * CI a machine without node and npm skips the tests that need it, saying so; on CI (CI=true) that
 * fails.
 */
final class NodeScript {

  private final Path dir;
  private final String script;

  private NodeScript(Path dir, String script) {
    this.dir = dir;
    this.script = script;
  }

  /**
   * Copies {@code script} and its package files from {@code src/test/<folder>} into {@code dir} and
   * installs its locked dependencies there, with {@code npmEnv} in npm's environment.
   */
  static NodeScript install(String folder, String script, Path dir, Map<String, String> npmEnv)
      throws IOException, InterruptedException {
    SandboxHost.require(
        works("node", "--version") && works("npm", "--version"),
        "node and npm are needed for the tests that drive the gateway from node"
            + " (apt-get install nodejs npm; ./bastion test installs them)");
    Path source = Path.of("src/test", folder);
    Files.createDirectories(dir);
    for (String file : List.of("package.json", "package-lock.json", script)) {
      Files.copy(source.resolve(file), dir.resolve(file));
    }
    Result npm = run(dir, npmEnv, 300, "npm", "ci", "--no-audit", "--no-fund");
    assertThat(npm.exit()).as("npm ci: %s", npm.err()).isZero();
    return new NodeScript(dir, script);
  }

  /** Runs the script with {@code env}; returns the report it printed. */
  JsonObject drive(Map<String, String> env) throws IOException, InterruptedException {
    Result node = run(dir, env, 300, "node", script);
    assertThat(node.exit()).as("node %s: %s", script, node.err()).isZero();
    JsonObject report = new JsonObject(node.out().strip());
    assertThat(report.getString("failure"))
        .as("the script failed; stderr: %s", node.err())
        .isNull();
    return report;
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(Path dir, Map<String, String> env, int seconds, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("node-script", ".out");
    Path err = Files.createTempFile("node-script", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            String.join(" ", command) + " did not finish within " + seconds + " s");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static boolean works(String... command) throws InterruptedException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
