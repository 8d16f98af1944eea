package dev.bastion.gateway.mcp;

import dev.bastion.gateway.status.CallStatus;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.StatusException;

/**
 * What a tool call answers. A result is its structured content and, for clients that read only
 * text, the same as JSON, followed by any images it made. A failure is a tool error ({@code
 * isError}), so the model sees it and can act on it: the status code and the one-line message the
 * gRPC API would give, which names the rule that denied a call; another tenant's sandbox is
 * NOT_FOUND, and an unexpected failure is an INTERNAL error with no detail (it is logged).
 */
final class ToolResults {

  private ToolResults() {}

  /** The answer's structured content, as JSON text too, and then its images. */
  static McpSchema.CallToolResult success(ToolAnswer answer) {
    McpSchema.CallToolResult.Builder result =
        McpSchema.CallToolResult.builder()
            .addTextContent(new JsonObject(answer.structured()).encode())
            .structuredContent(answer.structured())
            .isError(false);
    answer.images().forEach(result::addContent);
    return result.build();
  }

  static McpSchema.CallToolResult failure(Throwable failure) {
    StatusException status = CallStatus.of(failure);
    return McpSchema.CallToolResult.builder()
        .addTextContent(status.status().name() + ": " + status.message())
        .isError(true)
        .build();
  }
}
