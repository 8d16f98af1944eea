package dev.bastion.gateway.mcp;

import dev.bastion.gateway.auth.Tenant;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * One of Bastion's MCP tools: what clients are told about it, and what a call does for the calling
 * tenant. Every call ends as a tool result, never as a failed request, so a refusal reaches the
 * model as a message it can act on.
 *
 * @param answers runs on the request's event loop and must not block it
 */
record BastionTool(McpSchema.Tool tool, AnswerCall answers) {

  /** What a call of the tool does. */
  @FunctionalInterface
  interface Call {
    /**
     * @return the structured result; a failed future or an exception is the tool's error
     */
    Future<Map<String, Object>> apply(Tenant tenant, ToolArguments arguments);
  }

  /** What a call of a tool whose results may hold images does. */
  @FunctionalInterface
  interface AnswerCall {
    /**
     * @return the result; a failed future or an exception is the tool's error
     */
    Future<ToolAnswer> apply(Tenant tenant, ToolArguments arguments);
  }

  /** A tool whose result is structured content only. */
  static BastionTool structured(McpSchema.Tool tool, Call call) {
    return new BastionTool(
        tool, (tenant, arguments) -> call.apply(tenant, arguments).map(ToolAnswer::of));
  }

  /**
   * What clients are told of a tool.
   *
   * @param input the JSON Schema its arguments must meet
   * @param output the JSON Schema its structured results meet
   * @param hints whether it only reads, destroys, can be repeated safely, reaches outside
   */
  static McpSchema.Tool describe(
      McpJsonMapper json,
      String name,
      String title,
      String description,
      JsonObject input,
      JsonObject output,
      McpSchema.ToolAnnotations hints) {
    return McpSchema.Tool.builder()
        .name(name)
        .title(title)
        .description(description)
        .inputSchema(json, input.encode())
        .outputSchema(json, output.encode())
        .annotations(hints)
        .build();
  }

  /** The tool as the SDK's stateless server serves it. */
  McpStatelessServerFeatures.AsyncToolSpecification specification() {
    return new McpStatelessServerFeatures.AsyncToolSpecification(
        tool,
        (context, request) ->
            Mono.fromCompletionStage(() -> invoke(context, request).toCompletionStage()));
  }

  private Future<McpSchema.CallToolResult> invoke(
      McpTransportContext context, McpSchema.CallToolRequest request) {
    Future<ToolAnswer> result;
    try {
      Tenant tenant = (Tenant) context.get(McpHttpTransport.TENANT);
      result = answers.apply(tenant, new ToolArguments(request.arguments()));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.transform(
        done ->
            Future.succeededFuture(
                done.succeeded()
                    ? ToolResults.success(done.result())
                    : ToolResults.failure(done.cause())));
  }
}
