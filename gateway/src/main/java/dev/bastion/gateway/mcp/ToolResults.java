package dev.bastion.gateway.mcp;

import dev.bastion.gateway.status.CallStatus;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.StatusException;
import java.util.Map;

/**
 * What a tool call answers. A result is its structured content and, for clients that read only
 * text, the same as JSON. A failure is a tool error ({@code isError}), so the model sees it and can
 * act on it: the status code and the one-line message the gRPC API would give, which names the rule
 * that denied a call; another tenant's sandbox is NOT_FOUND, and an unexpected failure is an
 * INTERNAL error with no detail (it is logged).
 */
final class ToolResults {

  private ToolResults() {}

  static McpSchema.CallToolResult success(Map<String, Object> structured) {
    return McpSchema.CallToolResult.builder()
        .addTextContent(new JsonObject(structured).encode())
        .structuredContent(structured)
        .isError(false)
        .build();
  }

  static McpSchema.CallToolResult failure(Throwable failure) {
    StatusException status = CallStatus.of(failure);
    return McpSchema.CallToolResult.builder()
        .addTextContent(status.status().name() + ": " + status.message())
        .isError(true)
        .build();
  }
}
