package dev.bastion.gateway.mcp;

import dev.bastion.gateway.access.GatedSandboxes;
import dev.bastion.gateway.access.SandboxdCalls;
import dev.bastion.gateway.auth.Authenticator;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.stream.Stream;

/**
 * Bastion's MCP server: the SDK's stateless server with Bastion's tools, served through {@link
 * McpHttpTransport} at {@code /mcp}.
 */
public final class McpEndpoint {

  private static final String INSTRUCTIONS =
      "Run code in isolated sandboxes: create_sandbox (template or warm_pool \"python\") returns a"
          + " sandbox id; run_code, run_command, read_file, write_file and list_files act in it;"
          + " delete_sandbox when done. Files live in /workspace. Python run_code keeps its"
          + " variables from call to call (create_context for a separate one, restart_context to"
          + " start over).";

  private McpEndpoint() {}

  /** Builds the server and returns the transport that serves it, for the gateway to route to. */
  public static McpHttpTransport create(
      Authenticator authenticator, GatedSandboxes sandboxes, SandboxdCalls calls) {
    McpJsonMapper json = McpJsonDefaults.getMapper();
    McpHttpTransport transport = new McpHttpTransport(authenticator, json);
    McpServer.async(transport)
        .serverInfo("bastion", version())
        .instructions(INSTRUCTIONS)
        .jsonMapper(json)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .tools(tools(sandboxes, calls, json).stream().map(BastionTool::specification).toList())
        .build();
    return transport;
  }

  /** Every tool the server offers. */
  static List<BastionTool> tools(
      GatedSandboxes sandboxes, SandboxdCalls calls, McpJsonMapper json) {
    ProcessTools processes = new ProcessTools(calls, json);
    return Stream.of(
            new SandboxTools(sandboxes, json).tools(),
            new SnapshotTools(sandboxes, json).tools(),
            new CodeTools(calls, processes, json).tools(),
            processes.tools(),
            new FileTools(calls, json).tools())
        .flatMap(List::stream)
        .toList();
  }

  private static String version() {
    String version = McpEndpoint.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
