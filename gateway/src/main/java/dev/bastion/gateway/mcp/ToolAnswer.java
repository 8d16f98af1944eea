package dev.bastion.gateway.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;

/**
 * What a tool call answers when it succeeds.
 *
 * @param structured the result, which meets the tool's output schema
 * @param images what the call drew (a cell's figures), as MCP image content after the text
 */
record ToolAnswer(Map<String, Object> structured, List<McpSchema.ImageContent> images) {

  ToolAnswer {
    images = List.copyOf(images);
  }

  static ToolAnswer of(Map<String, Object> structured) {
    return new ToolAnswer(structured, List.of());
  }
}
