package dev.bastion.gateway.mcp;

import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.RunResult;
import dev.bastion.gateway.access.SandboxdCalls;
import dev.bastion.gateway.auth.Tenant;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tool that runs a process, {@code run_command} (an argv), and the process runs other tools
 * make (a bash {@code run_code}). Each is a {@code Processes.Run} underneath, so policies see its
 * argv, environment and working directory as they see a Run's, under the tool's own name.
 */
final class ProcessTools {

  /**
   * A call waits for its process: without a timeout of its own, one that never ends would hold an
   * exec slot long after the client gave up (MCP clients wait about a minute, and a dropped
   * connection is no cancellation in Streamable HTTP).
   */
  static final long DEFAULT_TIMEOUT_SECONDS = 60;

  static final long MAX_TIMEOUT_SECONDS = 3600;

  /**
   * Output past this, per stream, is cut (truncated: true): all of it goes into a model's context.
   */
  static final long MAX_OUTPUT_BYTES = 100_000;

  /**
   * Code travels as one argument ({@code -c CODE}) so policies see it, and Linux takes at most 128
   * KiB per argument: 32 Ki characters fit however they encode.
   */
  static final int MAX_CODE_CHARS = 32 * 1024;

  private static final int MAX_ARGS = 1024;
  private static final int MAX_ENV = 256;

  private final SandboxdCalls calls;
  private final McpJsonMapper json;

  ProcessTools(SandboxdCalls calls, McpJsonMapper json) {
    this.calls = calls;
    this.json = json;
  }

  List<BastionTool> tools() {
    return List.of(runCommand());
  }

  private BastionTool runCommand() {
    JsonObject input =
        Schemas.input(
            new JsonObject()
                .put("sandbox_id", Schemas.sandboxId())
                .put(
                    "argv",
                    Schemas.type("array")
                        .put(
                            "description",
                            "The program and its arguments, e.g. [\"python3\", \"main.py\"]; no"
                                + " shell is involved unless you run one")
                        .put("items", Schemas.type("string").put("maxLength", MAX_CODE_CHARS))
                        .put("minItems", 1)
                        .put("maxItems", MAX_ARGS))
                .put(
                    "cwd",
                    Schemas.string(
                        "Working directory, absolute or relative to /workspace; default /workspace",
                        0,
                        Schemas.PATH_LENGTH))
                .put(
                    "env",
                    Schemas.stringMap(
                        "Environment variables for this process, on top of the sandbox's",
                        MAX_ENV,
                        new JsonObject().put("pattern", "^[A-Za-z_][A-Za-z0-9_]{0,255}$"),
                        MAX_CODE_CHARS))
                .put("timeout_seconds", timeout()),
            "sandbox_id",
            "argv");
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "run_command",
            "Run a command",
            "Runs a program with arguments in a sandbox and returns its exit code, stdout and"
                + " stderr when it ends.",
            input,
            result(),
            new McpSchema.ToolAnnotations(null, false, true, false, false, null)),
        (tenant, arguments) ->
            run(
                tenant,
                "run_command",
                RunRequest.newBuilder()
                    .setSandboxId(arguments.string("sandbox_id"))
                    .addAllArgv(arguments.strings("argv"))
                    .setCwd(arguments.string("cwd", ""))
                    .putAllEnv(arguments.stringMap("env"))
                    .setTimeoutSeconds(arguments.integer("timeout_seconds", 0))));
  }

  /** Runs a process as the tool {@code tool}, with the caps every MCP call has. */
  Future<Map<String, Object>> run(Tenant tenant, String tool, RunRequest.Builder request) {
    return calls
        .run(
            tenant,
            tool,
            request.setMaxOutputBytes(MAX_OUTPUT_BYTES).build(),
            DEFAULT_TIMEOUT_SECONDS)
        .map(ProcessTools::summary);
  }

  static JsonObject timeout() {
    return Schemas.integer(
        "Seconds after which the process and its children are killed (timed_out is then true);"
            + " default "
            + DEFAULT_TIMEOUT_SECONDS
            + ", or less where a policy's maxExecSeconds says so",
        1,
        MAX_TIMEOUT_SECONDS);
  }

  private static JsonObject result() {
    return Schemas.output(
        new JsonObject()
            .put("exit_code", Schemas.type("integer"))
            .put("stdout", Schemas.type("string"))
            .put("stderr", Schemas.type("string"))
            .put("timed_out", Schemas.type("boolean"))
            .put("truncated", Schemas.type("boolean"))
            .put("oom_killed", Schemas.type("boolean"))
            .put("duration_ms", Schemas.type("integer")),
        "exit_code",
        "stdout",
        "stderr",
        "timed_out",
        "truncated");
  }

  /**
   * The result as a model reads it; output is decoded as UTF-8, bytes that are not become U+FFFD.
   */
  private static Map<String, Object> summary(RunResult result) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("exit_code", result.getExitCode());
    summary.put("stdout", result.getStdout().toString(StandardCharsets.UTF_8));
    summary.put("stderr", result.getStderr().toString(StandardCharsets.UTF_8));
    summary.put("timed_out", result.getTimedOut());
    summary.put("truncated", result.getTruncated());
    summary.put("oom_killed", result.getOomKilled());
    summary.put("duration_ms", result.getDurationMs());
    return summary;
  }
}
