package dev.bastion.client.examples;

import dev.bastion.client.Bastion;
import dev.bastion.client.ExecHandle;
import dev.bastion.client.ExecOptions;
import dev.bastion.client.RunResult;
import dev.bastion.client.Sandbox;
import dev.bastion.client.SandboxSpec;
import java.io.PrintStream;

/**
 * The SDK's example as the README and the package documentation show it (ExampleDocsTest checks
 * that they show exactly this); GettingStartedIT runs it against a real server.
 */
public final class GettingStarted {

  private GettingStarted() {}

  /**
   * Runs the example against the server at {@code url} as {@code token}, printing to {@code out}.
   */
  public static void run(String url, String token, PrintStream out) {
    // @start region=example
    try (Bastion bastion = Bastion.connect(url, token);
        Sandbox sandbox = bastion.sandboxes().create(SandboxSpec.warmPool("python"))) {
      sandbox.files().write("hello.py", "print(6 * 7)\n");
      RunResult result = sandbox.run("python3", "hello.py");
      out.print(result.stdout()); // 42

      ExecOptions cat = ExecOptions.command("cat").openStdin().onStdout(out::print);
      try (ExecHandle process = sandbox.exec(cat)) {
        process.write("hello from stdin\n");
        process.closeStdin();
        out.println("exit " + process.waitFor().exitCode()); // exit 0
      }

      sandbox.runCode("total = sum(range(10))"); // a Python cell; the next one sees total
      out.println(sandbox.runCode("total * 2").mainResult().orElseThrow().text()); // 90
    } // closing the sandbox deletes it
    // @end
  }
}
