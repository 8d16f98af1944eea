package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.server.BastionServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console end to end in a real browser: headless Chromium (the system's, Debian package
 * {@code chromium}) driven by playwright-core from {@code src/test/browser}, against a real server
 * with gVisor sandboxes. It signs in, creates a sandbox, opens a terminal, runs python3 there and
 * sees the answer, then runs cells in the code panel (state kept, a figure, a table, an error); the
 * screenshot it takes is kept as a build artifact in {@code target/console-e2e.png}.
 */
class ConsoleBrowserIT {

  static final String ALICE = "browser-alice-token-0123456789";
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path SCREENSHOT = Path.of("target", "console-e2e.png").toAbsolutePath();

  @TempDir static Path dir;
  static BastionServer server;
  static NodeScript browser;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    SandboxHost.require(
        Files.isExecutable(CHROMIUM),
        "Chromium is needed for the browser test (apt-get install chromium;"
            + " ./bastion test installs it)");
    // The system's Chromium is driven: playwright must not download browsers of its own.
    browser =
        NodeScript.install(
            "browser",
            "console-e2e.mjs",
            dir.resolve("browser"),
            Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"));
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, ALICE + " alice\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 0);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      try (Api api = new Api(server.port())) {
        Api.deleteAllSandboxes(List.of(api.as(ALICE)));
      }
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  @Test
  void aPersonSignsInOpensATerminalRunsPythonAndRunsCells() throws Exception {
    Files.createDirectories(SCREENSHOT.getParent());
    Files.deleteIfExists(SCREENSHOT);
    JsonObject report =
        browser.drive(
            Map.of(
                "BASTION_URL",
                "http://127.0.0.1:" + server.port(),
                "BASTION_TOKEN",
                ALICE,
                "CHROMIUM",
                CHROMIUM.toString(),
                "SCREENSHOT",
                SCREENSHOT.toString()));
    assertThat(report.getString("failure")).as(report.encodePrettily()).isNull();
    assertThat(report.getBoolean("signed_in")).isTrue();
    assertThat(report.getString("phase")).isEqualTo("READY");
    assertThat(report.getString("terminal"))
        .contains("python3 -c \"print(6*7)\"")
        .containsPattern("(?m)^42\\s*$");
    // The code panel: state carried from cell to cell, a figure the browser decoded, a table in
    // a frame that runs no script, and the traceback of an error.
    assertThat(report.getString("cell_answer").strip()).isEqualTo("42");
    assertThat(report.getInteger("figure_width")).isGreaterThan(100);
    assertThat(report.getJsonArray("table_cells").getList()).contains("42");
    assertThat(report.getString("table_frame_sandbox")).isEqualTo("allow-same-origin");
    assertThat(report.getString("error_text"))
        .contains("ZeroDivisionError")
        .doesNotContain("\u001b");
    // The console runs under its Content-Security-Policy without a single violation or error.
    assertThat(report.getJsonArray("console_errors")).isEmpty();
    assertThat(SCREENSHOT).isNotEmptyFile();
  }
}
