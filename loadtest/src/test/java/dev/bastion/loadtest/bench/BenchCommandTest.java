package dev.bastion.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class BenchCommandTest {

  private static final String RUN = "bastion.v1.Processes/Run";

  @TempDir Path dir;

  /** Parses the flags as {@code bastion bench} gets them, with {@code env} as the environment. */
  private static BenchOptions parse(Map<String, String> env, String... args) {
    BenchCommand command = new BenchCommand();
    command.env = env::get;
    new CommandLine(command).parseArgs(args);
    return command.options();
  }

  private static BenchOptions parse(String... args) {
    return parse(Map.of(), args);
  }

  @Test
  void defaultsAreGhzs() {
    BenchOptions options = parse("--call", RUN, "127.0.0.1:8080");

    assertThat(options.concurrency()).isEqualTo(50);
    assertThat(options.total()).isEqualTo(200);
    assertThat(options.duration()).isZero();
    assertThat(options.rps()).isZero();
    assertThat(options.connections()).isEqualTo(1);
    assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(options.streams()).isEqualTo(StreamOptions.NONE);
    assertThat(options.format()).isEqualTo("summary");
    assertThat(options.skipFirst()).isZero();
    assertThat(options.sandboxes()).isZero();
    assertThat(options.gateway().host()).isEqualTo("127.0.0.1");
    assertThat(options.gateway().port()).isEqualTo(8080);
    assertThat(options.data()).isEqualTo("{}");
  }

  @Test
  void shortAndLongFlagsMeanWhatTheyMeanInGhz() {
    BenchOptions options =
        parse(
            "--call",
            "bastion.v1.Files.Write",
            "-c",
            "8",
            "-n",
            "1000",
            "-z",
            "1m30s",
            "-r",
            "250",
            "--connections",
            "4",
            "-t",
            "500ms",
            "--stream-interval",
            "10ms",
            "--stream-call-duration",
            "2s",
            "--stream-call-count",
            "5",
            "-O",
            "json",
            "--skipFirst",
            "10",
            "--count-errors",
            "--insecure",
            "-d",
            "[{\"header\":{\"path\":\"a\"}},{\"data\":\"aGk=\"}]",
            "[::1]:9000");

    assertThat(options.method().fullName()).isEqualTo("bastion.v1.Files/Write");
    assertThat(options.concurrency()).isEqualTo(8);
    assertThat(options.total()).isEqualTo(1000);
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(options.rps()).isEqualTo(250);
    assertThat(options.connections()).isEqualTo(4);
    assertThat(options.timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.streams())
        .isEqualTo(new StreamOptions(Duration.ofMillis(10), Duration.ofSeconds(2), 5));
    assertThat(options.format()).isEqualTo("json");
    assertThat(options.skipFirst()).isEqualTo(10);
    assertThat(options.countErrors()).isTrue();
    assertThat(options.gateway().host()).isEqualTo("::1");
    assertThat(options.address()).isEqualTo("[::1]:9000");
  }

  @Test
  void dataComesFromAFile() throws Exception {
    Path file = dir.resolve("run.json");
    Files.writeString(file, "{\"argv\":[\"true\"]}");

    BenchOptions options = parse("--call", RUN, "-D", file.toString(), "h:1");

    assertThat(options.data()).isEqualTo("{\"argv\":[\"true\"]}");
  }

  @Test
  void theTokenComesFromBastionTokenUnlessMetadataSetsAuthorization() {
    CallData call = CallData.of("g0c0", 0, "", MethodCatalog.resolve(RUN));

    BenchOptions byEnv = parse(Map.of("BASTION_TOKEN", "t0k"), "--call", RUN, "h:1");
    BenchOptions byFlag =
        parse(
            Map.of("BASTION_TOKEN", "t0k"),
            "--call",
            RUN,
            "-m",
            "{\"Authorization\":\"Bearer other\",\"x-run\":\"{{.RequestNumber}}\"}",
            "h:1");

    assertThat(byEnv.payload().metadata(call))
        .containsExactly(Map.entry("authorization", "Bearer t0k"));
    assertThat(byFlag.payload().metadata(call))
        .containsOnly(Map.entry("authorization", "Bearer other"), Map.entry("x-run", "0"));
  }

  @Test
  void theReportNeverShowsTheToken() {
    BenchOptions options =
        parse("--call", RUN, "-m", "{\"authorization\":\"Bearer secret\"}", "-n", "3", "h:1");

    JsonObject reported = options.reportOptions();

    assertThat(reported.getJsonObject("metadata").getString("authorization"))
        .isEqualTo("(redacted)");
    assertThat(reported.encode()).doesNotContain("secret");
    assertThat(reported.getString("call")).isEqualTo(RUN);
    assertThat(reported.getLong("total")).isEqualTo(3);
    assertThat(reported.getLong("timeout")).isEqualTo(20_000_000_000L);
  }

  @Test
  void sandboxesAreForSandboxId() {
    String data = "{\"sandbox_id\":\"{{.SandboxID}}\",\"argv\":[\"true\"]}";

    BenchOptions options = parse("--call", RUN, "--sandboxes", "2", "-d", data, "h:1");

    assertThat(options.sandboxes()).isEqualTo(2);
    assertThat(options.template()).isEqualTo("python");
    assertThatThrownBy(() -> parse("--call", RUN, "-d", data, "h:1"))
        .hasMessage("{{.SandboxID}} needs --sandboxes N");
    assertThatThrownBy(() -> parse("--call", RUN, "--sandboxes", "1", "h:1"))
        .hasMessage("--sandboxes creates sandboxes for {{.SandboxID}}, which -d does not use");
  }

  @Test
  void aSandboxdSocketIsATargetAsGrpcNamesUnixSockets() {
    BenchOptions relative = parse("--call", RUN, "unix:run/sandboxd.sock");
    assertThat(relative.gateway().isDomainSocket()).isTrue();
    assertThat(relative.gateway().path()).isEqualTo("run/sandboxd.sock");
    BenchOptions absolute = parse("--call", RUN, "unix:///srv/s/sandboxd.sock");
    assertThat(absolute.gateway().path()).isEqualTo("/srv/s/sandboxd.sock");
    assertThat(absolute.reportOptions().getString("host")).isEqualTo("unix:/srv/s/sandboxd.sock");
  }

  @Test
  void severalTargetsTakeTurnsButSandboxesNeedOneGateway() {
    BenchOptions options = parse("--call", RUN, "unix:/a.sock", "unix:/b.sock", "h:1");

    assertThat(options.targets())
        .extracting(BenchTarget::address)
        .extracting(address -> address.isDomainSocket() ? address.path() : address.host())
        .containsExactly("/a.sock", "/b.sock", "h");
    assertThat(options.reportOptions().getString("host"))
        .isEqualTo("unix:/a.sock,unix:/b.sock,h:1");
    String data = "{\"sandbox_id\":\"{{.SandboxID}}\",\"argv\":[\"true\"]}";
    assertThatThrownBy(() -> parse("--call", RUN, "--sandboxes", "2", "-d", data, "h:1", "h:2"))
        .hasMessage("--sandboxes creates sandboxes through one gateway: give one HOST:PORT");
  }

  @Test
  void aSandboxdSocketsCallsCarryTheTokenBesideIt(@TempDir Path run) throws Exception {
    Path socket = run.resolve("sandboxd.sock");
    Files.writeString(run.resolve("token"), "sandbox-token\n");
    BenchOptions options =
        parse(
            "--call",
            RUN,
            "-m",
            "{\"authorization\":\"Bearer gateway-token\",\"x\":\"y\"}",
            "unix:" + socket,
            "unix:/elsewhere/sandboxd.sock");
    BenchTarget withToken = options.targets().get(0);
    assertThat(withToken.headersOver(Map.of("authorization", "Bearer gateway-token", "x", "y")))
        .containsEntry("authorization", "Bearer sandbox-token")
        .containsEntry("x", "y");
    assertThat(options.targets().get(1).headers()).isEmpty();
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> parse("--call", RUN, "-c", "0", "h:1"))
        .hasMessage("-c must be at least 1");
    assertThatThrownBy(() -> parse("--call", RUN, "-c", "2", "--connections", "3", "h:1"))
        .hasMessage("--connections must be between 1 and -c (2)");
    assertThatThrownBy(() -> parse("--call", RUN, "-O", "csv", "h:1"))
        .hasMessage("-O must be summary, json or pretty, not 'csv'");
    assertThatThrownBy(() -> parse("--call", RUN, "localhost"))
        .hasMessage("HOST:PORT or unix:PATH expected, not 'localhost'");
    assertThatThrownBy(() -> parse("--call", RUN, "unix:"))
        .hasMessage("unix: needs the socket's path, as in unix:/run/x.sock");
    assertThatThrownBy(() -> parse("--call", RUN, "unix://run/x.sock"))
        .hasMessage("unix:// needs an absolute path, as in unix:///run/x.sock");
    assertThatThrownBy(() -> parse("--call", RUN, "h:http"))
        .hasMessage("the port of h:http must be a number, not 'http'");
    assertThatThrownBy(() -> parse("--call", RUN, "-d", "{}", "-D", "f", "h:1"))
        .hasMessage("give -d or -D, not both");
    assertThatThrownBy(() -> parse("--call", RUN, "-d", "{\"argv\":\"true\"}", "h:1"))
        .hasMessageStartingWith("-d is not a bastion.v1.RunRequest: ");
    assertThatThrownBy(() -> parse("--call", RUN, "-m", "[]", "h:1"))
        .hasMessage("-m must be a JSON object of strings");
    assertThatThrownBy(() -> parse("--call", "bastion.v1.Processes/Runn", "h:1"))
        .hasMessageStartingWith("--call: no method 'bastion.v1.Processes/Runn'; the methods are ")
        .hasMessageContaining("bastion.v1.Files/Watch");
  }

  @Test
  void picocliRefusesWhatIsNotEvenTheRightType() {
    assertThatThrownBy(() -> parse("--call", RUN, "-z", "10", "h:1"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'10' is not a duration");
    assertThatThrownBy(() -> parse("-n", "5", "h:1"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--call");
  }
}
