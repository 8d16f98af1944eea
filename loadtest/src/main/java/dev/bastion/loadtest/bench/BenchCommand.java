package dev.bastion.loadtest.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bastion bench [flags] HOST:PORT}: a gRPC load driver with ghz's essential flags, their
 * meanings and its report, for the Bastion API. Calls are built from JSON against the generated
 * descriptors and made with the Vert.x gRPC client on event loops.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Load-tests one RPC of a Bastion gateway the way ghz does, and prints ghz's report.",
      "Exit codes: 0 the run was made (failed calls are in the report, as with ghz), 1 it could"
          + " not be made or its sandboxes not deleted, 2 bad usage or data."
    },
    footer = {
      "",
      "Templates in -d and -m: {{.RequestNumber}}, {{.WorkerID}}, {{.SandboxID}}, {{.UUID}},"
          + " {{.Timestamp}}..., {{newUUID}}, {{randomString N}}, {{randomInt MIN MAX}},"
          + " {{env `NAME`}}.",
      "Without an authorization header in -m, calls carry 'Bearer $BASTION_TOKEN'.",
      "Example: bastion bench --call bastion.v1.Processes/Run --sandboxes 1 -c 4 -n 100"
          + " -d '{\"sandbox_id\":\"{{.SandboxID}}\",\"argv\":[\"true\"]}' 127.0.0.1:8080"
    })
public final class BenchCommand implements Callable<Integer> {

  static final int RUN_FAILED = 1;
  static final int BAD_USAGE = 2;

  @Parameters(
      arity = "1..*",
      paramLabel = "HOST:PORT",
      description = {
        "The gateway, e.g. 127.0.0.1:8080 (plaintext HTTP/2), or a sandbox's sandboxd as"
            + " unix:STATE/sandboxes/ID/run/sandboxd.sock (its calls carry the sandbox's id and"
            + " the sandbox's own token, read from the token file beside the socket).",
        "Several targets (a Bastion addition, e.g. the sockets of several sandboxes): call n"
            + " goes to target n mod N, as the elements of a -d array take turns."
      })
  List<String> hosts;

  @Option(
      names = "--call",
      required = true,
      paramLabel = "METHOD",
      description =
          "package.Service/Method or package.Service.Method, e.g. bastion.v1.Processes/Run.")
  String call;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "JSON",
      description =
          "The request as JSON (default {}); an array is the stream of messages of a"
              + " client-streaming call, or one element per call in turn for the others.")
  String data;

  @Option(
      names = {"-D", "--data-file"},
      paramLabel = "FILE",
      description = "Reads -d from FILE.")
  Path dataFile;

  @Option(
      names = {"-m", "--metadata"},
      paramLabel = "JSON",
      description = "Request metadata as a JSON object of strings.")
  String metadata;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      description = "Workers making calls at once (default ${DEFAULT-VALUE}).")
  int concurrency = 50;

  @Option(
      names = {"-n", "--total"},
      paramLabel = "N",
      description = "Calls to make (default ${DEFAULT-VALUE}); ignored with -z.")
  long total = 200;

  @Option(
      names = {"-z", "--duration"},
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description =
          "Make calls for this long, e.g. 10s or 1m (then -n is ignored); calls in flight finish.")
  Duration duration = Duration.ZERO;

  @Option(
      names = {"-r", "--rps"},
      paramLabel = "N",
      description = "Start at most N calls per second (default 0: no limit).")
  int rps;

  @Option(
      names = "--connections",
      paramLabel = "N",
      description =
          "HTTP/2 connections; worker i uses connection i mod N (default ${DEFAULT-VALUE}).")
  int connections = 1;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description = "Deadline of each call (default 20s; 0: none).")
  Duration timeout = Duration.ofSeconds(20);

  @Option(
      names = "--stream-interval",
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description = "Pause between two messages a client stream sends.")
  Duration streamInterval = Duration.ZERO;

  @Option(
      names = "--stream-call-duration",
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description =
          "A client stream stops sending after this long; a server stream is ended by the client.")
  Duration streamCallDuration = Duration.ZERO;

  @Option(
      names = "--stream-call-count",
      paramLabel = "N",
      description =
          "A client stream sends N messages (cycling through -d); a server stream is ended by the"
              + " client after N messages.")
  long streamCallCount;

  @Option(
      names = {"-O", "--format"},
      paramLabel = "FORMAT",
      description = "summary (default), json or pretty (indented JSON).")
  String format = BenchOptions.SUMMARY;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report to FILE instead of stdout.")
  Path output;

  @Option(
      names = "--skipFirst",
      paramLabel = "N",
      description = "Leave the first N calls to end out of the report.")
  long skipFirst;

  @Option(
      names = "--count-errors",
      description = "Count failed calls in the latencies too (by default only calls that succeed).")
  boolean countErrors;

  @Option(
      names = "--insecure",
      description = "Accepted for ghz compatibility: the gateway speaks plaintext HTTP/2 (h2c).")
  boolean insecure;

  @Option(
      names = "--sandboxes",
      paramLabel = "N",
      description =
          "Create N sandboxes first, give them to the calls as {{.SandboxID}} in turn, and delete"
              + " them at the end (also on errors and Ctrl-C).")
  int sandboxes;

  @Option(
      names = "--template",
      paramLabel = "NAME",
      description = "The template of those sandboxes (default ${DEFAULT-VALUE}).")
  String template = "python";

  /** Where {@code env} and the default token come from; replaceable in tests. */
  Function<String, String> env = System::getenv;

  // Output goes through picocli's writers so callers (and tests) can redirect it.
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      BenchOptions options;
      try {
        options = options();
      } catch (IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return BAD_USAGE;
      }
      try {
        BenchReport report = new BenchRunner(options, err).run();
        write(options, report, out);
        return 0;
      } catch (BenchException e) {
        err.println("error: " + e.getMessage());
        return RUN_FAILED;
      }
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static void write(BenchOptions options, BenchReport report, PrintWriter out)
      throws BenchException {
    String text =
        switch (options.format()) {
          case "json" -> report.json().encode() + "\n";
          case "pretty" -> report.json().encodePrettily() + "\n";
          default -> SummaryText.of(report);
        };
    if (options.output() == null) {
      out.print(text);
      return;
    }
    try {
      Files.writeString(options.output(), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BenchException("cannot write the report to " + options.output() + ": " + e);
    }
  }

  /**
   * The flags as a checked run.
   *
   * @throws IllegalArgumentException naming the flag that is wrong
   */
  BenchOptions options() {
    List<BenchTarget> destinations = hosts.stream().map(BenchTarget::parse).toList();
    require(concurrency >= 1, "-c must be at least 1");
    require(duration.isZero() ? total >= 1 : !duration.isNegative(), "-n must be at least 1");
    require(rps >= 0, "--rps must not be negative");
    require(
        connections >= 1 && connections <= concurrency,
        "--connections must be between 1 and -c (" + concurrency + ")");
    require(!timeout.isNegative(), "-t must not be negative");
    require(streamCallCount >= 0, "--stream-call-count must not be negative");
    require(skipFirst >= 0, "--skipFirst must not be negative");
    require(sandboxes >= 0, "--sandboxes must not be negative");
    require(
        sandboxes == 0 || destinations.size() == 1,
        "--sandboxes creates sandboxes through one gateway: give one HOST:PORT");
    require(
        format.equals(BenchOptions.SUMMARY) || format.equals("json") || format.equals("pretty"),
        "-O must be summary, json or pretty, not '" + format + "'");
    require(data == null || dataFile == null, "give -d or -D, not both");
    BenchMethod method = MethodCatalog.resolve(call);
    String dataJson = data != null ? data : dataFile != null ? read(dataFile) : "{}";
    String metadataJson = metadata != null ? metadata : "{}";
    String token = env.apply("BASTION_TOKEN");
    Map<String, String> defaults =
        token == null || token.isBlank() ? Map.of() : Map.of("authorization", "Bearer " + token);
    Payload payload = Payload.compile(method, dataJson, metadataJson, defaults, env);
    if (sandboxes > 0) {
      require(
          payload.uses("SandboxID"),
          "--sandboxes creates sandboxes for {{.SandboxID}}, which -d does not use");
    } else {
      require(!payload.uses("SandboxID"), "{{.SandboxID}} needs --sandboxes N");
    }
    return new BenchOptions(
        destinations,
        method,
        dataJson,
        metadataJson,
        payload,
        concurrency,
        total,
        duration,
        rps,
        connections,
        timeout,
        new StreamOptions(streamInterval, streamCallDuration, streamCallCount),
        format,
        output,
        skipFirst,
        countErrors,
        sandboxes,
        template);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("-D: cannot read " + file + ": " + e.getMessage());
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Reports a bad flag in one line, with a pointer to the help, instead of picocli's full usage;
   * {@code bastion}'s {@code Main} installs it for this command.
   */
  public static int usageError(CommandLine.ParameterException e) {
    CommandLine command = e.getCommandLine();
    command
        .getErr()
        .println(
            "error: "
                + e.getMessage()
                + " (see "
                + command.getCommandSpec().qualifiedName()
                + " --help)");
    command.getErr().flush();
    return BAD_USAGE;
  }
}
