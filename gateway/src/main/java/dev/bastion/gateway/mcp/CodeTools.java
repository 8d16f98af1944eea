package dev.bastion.gateway.mcp;

import dev.bastion.api.v1.CodeContext;
import dev.bastion.api.v1.CodeEvent;
import dev.bastion.api.v1.ContextRequest;
import dev.bastion.api.v1.CreateContextRequest;
import dev.bastion.api.v1.RunCodeRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.gateway.access.SandboxdCalls;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tools that run code where the previous call left off: {@code run_code}, {@code
 * create_context} and {@code restart_context}. Python runs in a code context (a Jupyter kernel in
 * the sandbox, the sandbox's default one unless the call names another), so variables and imports
 * carry from call to call; policies see the cell as {@code call.code} and {@code call.language}
 * under the tool's name. Bash has no kernel in the default image and runs as a fresh {@code bash -c
 * CODE} process, which policies see as a Run's argv.
 */
final class CodeTools {

  private static final String PYTHON = "python";
  private static final String BASH = "bash";

  /** Image types a figure can come back as; others (SVG, HTML) are text. */
  private static final Set<String> IMAGE_TYPES =
      Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

  /** The colours IPython puts in a traceback, which mean nothing to a model. */
  private static final Pattern TERMINAL_COLOURS = Pattern.compile("\u001B\\[[0-9;]*m");

  private static final int CONTEXT_ID_LENGTH = 64;
  private static final int MAX_ENV = 256;

  private final SandboxdCalls calls;
  private final ProcessTools processes;
  private final McpJsonMapper json;

  CodeTools(SandboxdCalls calls, ProcessTools processes, McpJsonMapper json) {
    this.calls = calls;
    this.processes = processes;
    this.json = json;
  }

  List<BastionTool> tools() {
    return List.of(runCode(), createContext(), restartContext());
  }

  private BastionTool runCode() {
    JsonObject input =
        Schemas.input(
            new JsonObject()
                .put("sandbox_id", Schemas.sandboxId())
                .put(
                    "language",
                    Schemas.type("string")
                        .put("enum", new JsonArray(List.of(PYTHON, BASH)))
                        .put(
                            "description",
                            "python (the default) runs in a code context that keeps variables,"
                                + " imports and the working directory from call to call; bash runs"
                                + " bash -c CODE afresh"))
                .put(
                    "code",
                    Schemas.string(
                        "The code. The value of a python cell's last expression comes back as a"
                            + " result, a figure as an image, a table as text.",
                        1,
                        ProcessTools.MAX_CODE_CHARS))
                .put(
                    "context_id",
                    contextId(
                        "The context to run in (python); default: the"
                            + " sandbox's own python context, made on first use"))
                .put("timeout_seconds", ProcessTools.timeout()),
            "sandbox_id",
            "code");
    return new BastionTool(
        BastionTool.describe(
            json,
            "run_code",
            "Run code",
            "Runs a Python cell in a sandbox where the previous one left off (variables, imports"
                + " and files kept), or a bash snippet, and returns its output, results, figures"
                + " and any error when it ends.",
            input,
            runResult(),
            new McpSchema.ToolAnnotations(null, false, true, false, false, null)),
        (tenant, arguments) -> {
          String language = arguments.string("language", PYTHON);
          String code = arguments.string("code");
          if (language.equals(BASH)) {
            if (!arguments.string("context_id", "").isEmpty()) {
              throw SandboxError.invalid("context_id is for python: bash runs afresh every call");
            }
            return processes
                .run(
                    tenant,
                    "run_code",
                    RunRequest.newBuilder()
                        .setSandboxId(arguments.string("sandbox_id"))
                        .addArgv("bash")
                        .addArgv("-c")
                        .addArgv(code)
                        .setTimeoutSeconds(arguments.integer("timeout_seconds", 0)))
                .map(ToolAnswer::of);
          }
          if (!language.equals(PYTHON)) {
            throw SandboxError.invalid("language must be python or bash");
          }
          return calls
              .runCode(
                  tenant,
                  "run_code",
                  RunCodeRequest.newBuilder()
                      .setSandboxId(arguments.string("sandbox_id"))
                      .setContextId(arguments.string("context_id", ""))
                      .setLanguage(PYTHON)
                      .setCode(code)
                      .setTimeoutSeconds(arguments.integer("timeout_seconds", 0))
                      .build(),
                  ProcessTools.DEFAULT_TIMEOUT_SECONDS)
              .map(CodeTools::cell);
        });
  }

  private BastionTool createContext() {
    JsonObject input =
        Schemas.input(
            new JsonObject()
                .put("sandbox_id", Schemas.sandboxId())
                .put(
                    "cwd",
                    Schemas.string(
                        "Working directory, absolute or relative to /workspace; default /workspace",
                        0,
                        Schemas.PATH_LENGTH))
                .put(
                    "env",
                    Schemas.stringMap(
                        "Environment variables of the context's kernel, on top of the sandbox's",
                        MAX_ENV,
                        new JsonObject().put("pattern", "^[A-Za-z_][A-Za-z0-9_]{0,255}$"),
                        ProcessTools.MAX_CODE_CHARS)),
            "sandbox_id");
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "create_context",
            "Create a code context",
            "Starts a new Python context in a sandbox, with its own variables, separate from the"
                + " sandbox's default one; pass its context_id to run_code.",
            input,
            contextResult(),
            new McpSchema.ToolAnnotations(null, false, false, false, false, null)),
        (tenant, arguments) ->
            calls
                .createContext(
                    tenant,
                    "create_context",
                    CreateContextRequest.newBuilder()
                        .setSandboxId(arguments.string("sandbox_id"))
                        .setLanguage(PYTHON)
                        .setCwd(arguments.string("cwd", ""))
                        .putAllEnv(arguments.stringMap("env"))
                        .build())
                .map(CodeTools::context));
  }

  private BastionTool restartContext() {
    JsonObject input =
        Schemas.input(
            new JsonObject()
                .put("sandbox_id", Schemas.sandboxId())
                .put(
                    "context_id",
                    contextId("The context to restart, as run_code or create_context named it")),
            "sandbox_id",
            "context_id");
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "restart_context",
            "Restart a code context",
            "Replaces a context's kernel with a fresh one (its variables are gone; its directory"
                + " and environment stay): after a kernel died, or to start over.",
            input,
            contextResult(),
            new McpSchema.ToolAnnotations(null, true, false, false, false, null)),
        (tenant, arguments) ->
            calls
                .restartContext(
                    tenant,
                    "restart_context",
                    ContextRequest.newBuilder()
                        .setSandboxId(arguments.string("sandbox_id"))
                        .setContextId(arguments.string("context_id"))
                        .build())
                .map(CodeTools::context));
  }

  private static JsonObject contextId(String description) {
    return Schemas.string(description, 1, CONTEXT_ID_LENGTH);
  }

  /** One schema for both kinds of run: a cell's fields and a process's are each optional. */
  private static JsonObject runResult() {
    return Schemas.output(
        new JsonObject()
            .put("stdout", Schemas.type("string"))
            .put("stderr", Schemas.type("string"))
            .put("timed_out", Schemas.type("boolean"))
            .put("truncated", Schemas.type("boolean"))
            .put("duration_ms", Schemas.type("integer"))
            .put("context_id", Schemas.type("string"))
            .put("execution_count", Schemas.type("integer"))
            .put(
                "results",
                Schemas.type("array")
                    .put(
                        "items",
                        Schemas.type("object")
                            .put(
                                "properties",
                                new JsonObject()
                                    .put("text", Schemas.type("string"))
                                    .put(
                                        "mime_types",
                                        Schemas.type("array").put("items", Schemas.type("string")))
                                    .put("main", Schemas.type("boolean"))
                                    .put("image", Schemas.type("boolean")))))
            .put(
                "error",
                Schemas.type("object")
                    .put(
                        "properties",
                        new JsonObject()
                            .put("name", Schemas.type("string"))
                            .put("value", Schemas.type("string"))
                            .put("traceback", Schemas.type("string"))))
            .put("exit_code", Schemas.type("integer"))
            .put("oom_killed", Schemas.type("boolean")),
        "stdout",
        "stderr",
        "timed_out",
        "truncated");
  }

  private static JsonObject contextResult() {
    return Schemas.output(
        new JsonObject()
            .put("context_id", Schemas.type("string"))
            .put("language", Schemas.type("string"))
            .put("cwd", Schemas.type("string"))
            .put("alive", Schemas.type("boolean")),
        "context_id",
        "language",
        "cwd",
        "alive");
  }

  private static Map<String, Object> context(CodeContext context) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("context_id", context.getId());
    summary.put("language", context.getLanguage());
    summary.put("cwd", context.getCwd());
    summary.put("alive", context.getAlive());
    return summary;
  }

  /**
   * A cell's events as a model reads them: output joined per stream and cut as a Run's is, results
   * as their text (a figure as MCP image content besides), the error with its traceback.
   */
  private static ToolAnswer cell(List<CodeEvent> events) {
    StringBuilder stdout = new StringBuilder();
    StringBuilder stderr = new StringBuilder();
    List<Map<String, Object>> results = new ArrayList<>();
    List<McpSchema.ImageContent> images = new ArrayList<>();
    Map<String, Object> error = null;
    Map<String, Object> summary = new LinkedHashMap<>();
    boolean truncated = false;
    for (CodeEvent event : events) {
      switch (event.getEventCase()) {
        case STDOUT -> stdout.append(event.getStdout());
        case STDERR -> stderr.append(event.getStderr());
        case RESULT ->
            results.add(
                result(
                    event.getResult().getDataMap(), event.getResult().getIsMainResult(), images));
        case ERROR -> {
          error = new LinkedHashMap<>();
          error.put("name", event.getError().getName());
          error.put("value", event.getError().getValue());
          error.put(
              "traceback",
              TERMINAL_COLOURS
                  .matcher(String.join("\n", event.getError().getTracebackList()))
                  .replaceAll(""));
        }
        case DONE -> {
          summary.put("context_id", event.getDone().getContextId());
          summary.put("execution_count", event.getDone().getExecutionCount());
          summary.put("duration_ms", event.getDone().getDurationMs());
          summary.put("timed_out", event.getDone().getTimedOut());
          truncated = event.getDone().getTruncated();
        }
        default -> {}
      }
    }
    truncated |= cut(stdout) | cut(stderr);
    summary.put("stdout", stdout.toString());
    summary.put("stderr", stderr.toString());
    summary.put("results", results);
    if (error != null) {
      summary.put("error", error);
    }
    summary.put("truncated", truncated);
    summary.putIfAbsent("timed_out", false);
    return new ToolAnswer(summary, images);
  }

  private static Map<String, Object> result(
      Map<String, String> data, boolean main, List<McpSchema.ImageContent> images) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("text", data.getOrDefault("text/plain", ""));
    result.put("mime_types", data.keySet().stream().sorted().toList());
    result.put("main", main);
    String image =
        data.keySet().stream().filter(IMAGE_TYPES::contains).sorted().findFirst().orElse(null);
    result.put("image", image != null);
    if (image != null) {
      images.add(new McpSchema.ImageContent(null, data.get(image), image));
    }
    return result;
  }

  /** Cuts {@code text} to a Run's per-stream cap; true when it did. */
  private static boolean cut(StringBuilder text) {
    if (text.length() <= ProcessTools.MAX_OUTPUT_BYTES) {
      return false;
    }
    text.setLength((int) ProcessTools.MAX_OUTPUT_BYTES);
    return true;
  }
}
