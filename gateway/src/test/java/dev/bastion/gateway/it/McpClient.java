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
 * The MCP client script in {@code src/test/mcp}, which drives the gateway with the official MCP
 * TypeScript SDK: installed with {@code npm ci} from its lock file and run with node. Off CI a
 * machine without node and npm skips the tests that need it, saying so; on CI (CI=true) that fails.
 */
final class McpClient {

  private static final Path SOURCE =
      Path.of(System.getProperty("bastion.mcp.client", "src/test/mcp"));
  private static final List<String> FILES =
      List.of("package.json", "package-lock.json", "mcp-client.mjs");

  private final Path dir;

  private McpClient(Path dir) {
    this.dir = dir;
  }

  /** Copies the script into {@code dir} and installs its locked dependencies there. */
  static McpClient install(Path dir) throws IOException, InterruptedException {
    SandboxHost.require(
        works("node", "--version") && works("npm", "--version"),
        "node and npm are needed for the MCP client test (apt-get install nodejs npm;"
            + " ./bastion test installs them)");
    Files.createDirectories(dir);
    for (String file : FILES) {
      Files.copy(SOURCE.resolve(file), dir.resolve(file));
    }
    Result npm = run(dir, Map.of(), 300, "npm", "ci", "--no-audit", "--no-fund");
    assertThat(npm.exit()).as("npm ci: %s", npm.err()).isZero();
    return new McpClient(dir);
  }

  /** Runs the script with {@code env}; returns the report it printed. */
  JsonObject drive(Map<String, String> env) throws IOException, InterruptedException {
    Result node = run(dir, env, 300, "node", "mcp-client.mjs");
    assertThat(node.exit()).as("node mcp-client.mjs: %s", node.err()).isZero();
    JsonObject report = new JsonObject(node.out().strip());
    assertThat(report.getString("failure"))
        .as("the client failed; stderr: %s", node.err())
        .isNull();
    return report;
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(Path dir, Map<String, String> env, int seconds, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("mcp-client", ".out");
    Path err = Files.createTempFile("mcp-client", ".err");
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
