// Drives Bastion's MCP server with the official MCP TypeScript SDK and prints what each step
// answered as one JSON object; McpIT starts the server and asserts on the output.
//
// Environment: BASTION_MCP_URL (http://host:port/mcp), BASTION_TOKEN (the caller's bearer token),
// OTHER_SANDBOX (a sandbox of another tenant, which must not be reachable).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const url = new URL(process.env.BASTION_MCP_URL);
const other = process.env.OTHER_SANDBOX;

async function connectAs(token) {
  const client = new Client({ name: "bastion-mcp-it", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

// A call's answer as the test reads it. The SDK itself checks structuredContent against the tool's
// output schema, so a result that breaks its schema fails the whole run.
async function call(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  return {
    isError: result.isError === true,
    text: result.content
      .filter((part) => part.type === "text")
      .map((part) => part.text)
      .join("\n"),
    images: result.content
      .filter((part) => part.type === "image")
      .map((part) => ({ mimeType: part.mimeType, data: part.data })),
    structured: result.structuredContent ?? null,
  };
}

const report = {};
try {
  try {
    await connectAs("not-a-known-token-0123456789");
    report.unauthenticated = { connected: true };
  } catch (error) {
    // The SDK's StreamableHTTPError carries the HTTP status as its code.
    report.unauthenticated = { status: error.code ?? null, message: String(error.message ?? error) };
  }

  const client = await connectAs(process.env.BASTION_TOKEN);
  report.server = client.getServerVersion();
  report.tools = (await client.listTools()).tools.map((tool) => tool.name).sort();

  report.create = await call(client, "create_sandbox", {
    template: "python",
    labels: { run: "mcp-it" },
  });
  const id = report.create.structured.id;
  report.run = await call(client, "run_code", {
    sandbox_id: id,
    language: "python",
    code: "print(6*7)",
  });
  // Python keeps its state from call to call, in the sandbox's default context.
  report.setState = await call(client, "run_code", { sandbox_id: id, code: "x = 41" });
  report.getState = await call(client, "run_code", { sandbox_id: id, code: "x + 1" });
  report.figure = await call(client, "run_code", {
    sandbox_id: id,
    code: "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
  });
  report.table = await call(client, "run_code", {
    sandbox_id: id,
    code: "import pandas as pd\npd.DataFrame({'animal': ['cat', 'dog'], 'legs': [4, 4]})",
  });
  report.error = await call(client, "run_code", { sandbox_id: id, code: "1/0" });
  report.context = await call(client, "create_context", { sandbox_id: id, env: { MODE: "own" } });
  const own = report.context.structured.context_id;
  report.inOwn = await call(client, "run_code", {
    sandbox_id: id,
    context_id: own,
    code: "import os\nx = 'own'\nprint(os.environ['MODE'])",
  });
  report.defaultKept = await call(client, "run_code", { sandbox_id: id, code: "x" });
  report.restart = await call(client, "restart_context", {
    sandbox_id: id,
    context_id: report.getState.structured.context_id,
  });
  report.afterRestart = await call(client, "run_code", { sandbox_id: id, code: "x" });
  report.ownKept = await call(client, "run_code", { sandbox_id: id, context_id: own, code: "x" });
  report.foreignContext = await call(client, "restart_context", {
    sandbox_id: other,
    context_id: own,
  });
  report.bash = await call(client, "run_code", {
    sandbox_id: id,
    language: "bash",
    code: "echo $((6*7)) >&2; exit 3",
  });
  report.command = await call(client, "run_command", {
    sandbox_id: id,
    argv: ["python3", "-c", "import os; print(os.environ['GREETING'], os.getcwd())"],
    env: { GREETING: "hello" },
    cwd: "/workspace",
  });
  report.timeout = await call(client, "run_code", {
    sandbox_id: id,
    language: "bash",
    code: "sleep 30",
    timeout_seconds: 1,
  });
  report.write = await call(client, "write_file", {
    sandbox_id: id,
    path: "hello.txt",
    content: "héllo, wörld\n",
  });
  report.writeNested = await call(client, "write_file", {
    sandbox_id: id,
    path: "made/by/write.txt",
    content: "x",
  });
  report.writeNoParents = await call(client, "write_file", {
    sandbox_id: id,
    path: "absent/file.txt",
    content: "x",
    create_parents: false,
  });
  report.read = await call(client, "read_file", { sandbox_id: id, path: "/workspace/hello.txt" });
  report.list = await call(client, "list_files", { sandbox_id: id });
  report.listed = await call(client, "list_sandboxes", { label_selector: "run=mcp-it" });
  report.denied = await call(client, "run_code", {
    sandbox_id: id,
    language: "python",
    code: "import socket",
  });
  report.deniedPath = await call(client, "write_file", {
    sandbox_id: id,
    path: "notes/../secrets/key",
    content: "k",
  });
  report.invalid = await call(client, "run_code", {
    sandbox_id: id,
    language: "ruby",
    code: "puts 1",
  });
  report.foreignRun = await call(client, "run_code", {
    sandbox_id: other,
    language: "python",
    code: "print(1)",
  });
  report.foreignDelete = await call(client, "delete_sandbox", { sandbox_id: other });
  report.deleted = await call(client, "delete_sandbox", { sandbox_id: id });
  report.afterDelete = await call(client, "list_sandboxes", { label_selector: "run=mcp-it" });
  await client.close();
} catch (error) {
  report.failure = String(error.stack ?? error);
}
process.stdout.write(JSON.stringify(report) + "\n");
