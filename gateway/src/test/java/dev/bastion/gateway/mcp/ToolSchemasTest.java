package dev.bastion.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The tools' input schemas are precise: every tool takes only its own properties, every value is
 * bounded, and the SDK's validator (which runs before a tool) holds calls to them.
 */
class ToolSchemasTest {

  private static final Map<String, McpSchema.Tool> TOOLS =
      McpEndpoint.tools(null, null, McpJsonDefaults.getMapper()).stream()
          .map(BastionTool::tool)
          .collect(Collectors.toMap(McpSchema.Tool::name, Function.identity()));

  private static final JsonSchemaValidator VALIDATOR = McpJsonDefaults.getSchemaValidator();

  @Test
  void everyToolIsOffered() {
    assertThat(TOOLS.keySet())
        .containsExactlyInAnyOrder(
            "create_sandbox",
            "list_sandboxes",
            "delete_sandbox",
            "snapshot_sandbox",
            "list_snapshots",
            "delete_snapshot",
            "run_code",
            "create_context",
            "restart_context",
            "run_command",
            "read_file",
            "write_file",
            "list_files");
  }

  @Test
  void everyInputIsAClosedObjectWithEveryValueBounded() {
    TOOLS
        .values()
        .forEach(
            tool -> {
              JsonObject input = new JsonObject(tool.inputSchema());
              assertThat(input.getString("type")).isEqualTo("object");
              assertThat(input.getBoolean("additionalProperties")).as(tool.name()).isFalse();
              assertThat(input.getJsonObject("properties").fieldNames())
                  .as(tool.name())
                  .containsAll(input.getJsonArray("required").getList());
              input
                  .getJsonObject("properties")
                  .forEach(
                      property ->
                          assertBounded(
                              tool.name() + "." + property.getKey(),
                              (JsonObject) property.getValue()));
              assertThat(VALIDATOR.validateSchema(tool.inputSchema()).valid()).isTrue();
              assertThat(VALIDATOR.validateSchema(tool.outputSchema()).valid()).isTrue();
            });
  }

  @Test
  void runCodeTakesPythonOrBashAndBoundedCode() {
    Map<String, Object> call =
        Map.of("sandbox_id", "sbx-1", "language", "python", "code", "print(1)");
    assertValid("run_code", call);
    assertInvalid("run_code", with(call, "language", "ruby"));
    assertInvalid("run_code", with(call, "code", "x".repeat(ProcessTools.MAX_CODE_CHARS + 1)));
    assertInvalid("run_code", with(call, "timeout_seconds", 0));
    assertInvalid("run_code", with(call, "timeout_seconds", 1.5));
    assertInvalid("run_code", with(call, "shell", true));
    assertInvalid("run_code", with(call, "sandbox_id", ""));
    assertInvalid("run_code", Map.of("sandbox_id", "sbx-1", "language", "python"));
    assertValid("run_code", Map.of("sandbox_id", "sbx-1", "code", "x"));
    assertValid("run_code", with(call, "context_id", "ctx-abc"));
    assertInvalid("run_code", with(call, "context_id", "c".repeat(65)));
  }

  @Test
  void contextsTakeASandboxAndRestartNamesTheContext() {
    assertValid("create_context", Map.of("sandbox_id", "sbx-1", "env", Map.of("A", "b")));
    assertInvalid("create_context", Map.of("sandbox_id", "sbx-1", "env", Map.of("A=B", "c")));
    assertInvalid("create_context", Map.of("sandbox_id", "sbx-1", "language", "ruby"));
    assertValid("restart_context", Map.of("sandbox_id", "sbx-1", "context_id", "ctx-1"));
    assertInvalid("restart_context", Map.of("sandbox_id", "sbx-1"));
  }

  @Test
  void runCommandTakesAnArgvAndAnEnvironmentOfValidNames() {
    Map<String, Object> call =
        Map.of(
            "sandbox_id",
            "sbx-1",
            "argv",
            List.of("python3", "main.py"),
            "env",
            Map.of("MODE", "fast"));
    assertValid("run_command", call);
    assertInvalid("run_command", with(call, "argv", List.of()));
    assertInvalid("run_command", with(call, "argv", List.of(1)));
    assertInvalid("run_command", with(call, "env", Map.of("1BAD", "x")));
    assertInvalid("run_command", with(call, "env", Map.of("MODE", 1)));
  }

  @Test
  void createSandboxTakesStringLabelsAndABoundedLifetime() {
    Map<String, Object> call = Map.of("template", "python", "labels", Map.of("team", "research"));
    assertValid("create_sandbox", call);
    assertValid("create_sandbox", Map.of("warm_pool", "python"));
    assertInvalid("create_sandbox", with(call, "labels", Map.of("team", 7)));
    assertInvalid("create_sandbox", with(call, "timeout_seconds", 8L * 24 * 3600));
  }

  @Test
  void fileToolsNeedAPathAndListingsAreShallow() {
    assertValid("read_file", Map.of("sandbox_id", "s", "path", "notes.txt"));
    assertInvalid("read_file", Map.of("sandbox_id", "s"));
    assertValid("write_file", Map.of("sandbox_id", "s", "path", "a.txt", "content", ""));
    assertInvalid("write_file", Map.of("sandbox_id", "s", "path", "a.txt"));
    Map<String, Object> write = Map.of("sandbox_id", "s", "path", "a/b.txt", "content", "");
    assertValid("write_file", with(write, "create_parents", false));
    assertInvalid("write_file", with(write, "create_parents", "no"));
    assertValid("list_files", Map.of("sandbox_id", "s", "depth", 2));
    assertInvalid("list_files", Map.of("sandbox_id", "s", "depth", FileTools.MAX_DEPTH + 1));
  }

  /** Strings, numbers, lists and maps, anywhere in an input, are bounded. */
  private static void assertBounded(String where, JsonObject schema) {
    switch (schema.getString("type")) {
      case "string" -> {
        if (!schema.containsKey("enum")) {
          assertThat(schema.getInteger("maxLength")).as(where).isNotNull();
        }
      }
      case "integer" -> assertThat(schema.getLong("maximum")).as(where + " maximum").isNotNull();
      case "boolean" -> {} // two values: bounded by its type
      case "array" -> {
        assertThat(schema.getInteger("maxItems")).as(where + " maxItems").isNotNull();
        assertBounded(where + "[]", schema.getJsonObject("items"));
      }
      case "object" -> {
        assertThat(schema.getInteger("maxProperties")).as(where + " maxProperties").isNotNull();
        assertThat(schema.getJsonObject("propertyNames")).as(where + " propertyNames").isNotNull();
        assertBounded(where + "{}", schema.getJsonObject("additionalProperties"));
      }
      default -> throw new AssertionError(where + " has an unexpected type " + schema);
    }
  }

  private static void assertValid(String tool, Map<String, Object> arguments) {
    JsonSchemaValidator.ValidationResponse response = validate(tool, arguments);
    assertThat(response.valid()).as("%s %s: %s", tool, arguments, response.errorMessage()).isTrue();
  }

  private static void assertInvalid(String tool, Map<String, Object> arguments) {
    assertThat(validate(tool, arguments).valid()).as("%s %s", tool, arguments).isFalse();
  }

  private static JsonSchemaValidator.ValidationResponse validate(
      String tool, Map<String, Object> arguments) {
    return VALIDATOR.validate(TOOLS.get(tool).inputSchema(), arguments);
  }

  /** {@code arguments} with {@code key} set to {@code value}. */
  private static Map<String, Object> with(Map<String, Object> arguments, String key, Object value) {
    Map<String, Object> changed = new HashMap<>(arguments);
    changed.put(key, value);
    return changed;
  }
}
