/**
 * The Java SDK for Bastion: sandboxes, the processes in them and their files, over Bastion's gRPC
 * API.
 *
 * <p>{@link dev.bastion.client.Bastion#connect(String, String)} connects as the tenant a token
 * names; {@link dev.bastion.client.Bastion#sandboxes()} makes sandboxes from a template or a warm
 * pool and finds them again; a {@link dev.bastion.client.Sandbox} runs commands to their end
 * ({@link dev.bastion.client.Sandbox#run(dev.bastion.client.RunOptions) run}) or streams them
 * ({@link dev.bastion.client.Sandbox#exec(dev.bastion.client.ExecOptions) exec}, with standard
 * input, signals, callbacks or a {@link java.util.concurrent.Flow.Publisher}), reads and writes its
 * {@link dev.bastion.client.Sandbox#files() files}, runs Python cells where the previous one left
 * off ({@link dev.bastion.client.Sandbox#runCode(String) runCode}, in {@link
 * dev.bastion.client.Sandbox#contexts() contexts}), and is suspended, resumed and deleted.
 *
 * {@snippet lang=java :
 * try (Bastion bastion = Bastion.connect(url, token);
 *     Sandbox sandbox = bastion.sandboxes().create(SandboxSpec.warmPool("python"))) {
 *   sandbox.files().write("hello.py", "print(6 * 7)\n");
 *   RunResult result = sandbox.run("python3", "hello.py");
 *   out.print(result.stdout()); // 42
 *
 *   ExecOptions cat = ExecOptions.command("cat").openStdin().onStdout(out::print);
 *   try (ExecHandle process = sandbox.exec(cat)) {
 *     process.write("hello from stdin\n");
 *     process.closeStdin();
 *     out.println("exit " + process.waitFor().exitCode()); // exit 0
 *   }
 *
 *   sandbox.runCode("total = sum(range(10))"); // a Python cell; the next one sees total
 *   out.println(sandbox.runCode("total * 2").mainResult().orElseThrow().text()); // 90
 * } // closing the sandbox deletes it
 * }
 *
 * <h2>Blocking and asynchronous calls</h2>
 *
 * <p>Calls block until the server answers: what an agent's tool code wants. The ones that take long
 * have an {@code ...Async} variant returning a {@link java.util.concurrent.CompletionStage}
 * (create, run, exec, delete); {@link dev.bastion.client.ExecHandle} is asynchronous by nature. The
 * SDK runs on Vert.x: a blocking call made on a Vert.x event loop throws {@link
 * java.lang.IllegalStateException} instead of stalling it, and no user code — exec callbacks, Flow
 * signals, stages' completions — ever runs on an event loop: it runs on the SDK's executor ({@link
 * dev.bastion.client.BastionOptions#executor}, by default a virtual thread per task).
 *
 * <h2>Errors</h2>
 *
 * <p>A refused or failed call throws (or completes with) a {@link
 * dev.bastion.client.BastionException} carrying the gRPC status as its {@link
 * dev.bastion.client.BastionException.Code} and the server's message: NOT_FOUND for a sandbox you
 * do not have (another tenant's too), PERMISSION_DENIED naming the policy rule that denied the
 * call, RESOURCE_EXHAUSTED naming the limit, FAILED_PRECONDITION for a suspended sandbox,
 * UNAVAILABLE when the server cannot be reached.
 */
package dev.bastion.client;
