package dev.bastion.sandboxd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxdConfigTest {

  private static final Map<String, String> NO_ENV = Map.of();

  @TempDir Path temp;

  @Test
  void servesASocketAloneWithoutAToken() {
    SandboxdConfig config = SandboxdConfig.parse(NO_ENV, "--socket", "/run/bastion/s.sock");
    assertThat(config.socket()).isEqualTo(Path.of("/run/bastion/s.sock"));
    assertThat(config.listen()).isNull();
    assertThat(config.tokenFile()).isNull();
    assertThat(config.healthCheck()).isFalse();
  }

  @Test
  void servesTcpWithATokenFileAndMayAlsoServeASocket() {
    SandboxdConfig config =
        SandboxdConfig.parse(
            NO_ENV,
            "--listen",
            "0.0.0.0:7070",
            "--token-file",
            "/var/run/bastion/token",
            "--socket",
            "/run/bastion/s.sock");
    assertThat(config.listen()).isEqualTo(new ListenAddress("0.0.0.0", 7070));
    assertThat(config.tokenFile()).isEqualTo(Path.of("/var/run/bastion/token"));
    assertThat(config.socket()).isEqualTo(Path.of("/run/bastion/s.sock"));
  }

  @Test
  void takesTheListenerAndTokenFileFromTheEnvironmentWhenFlagsAreAbsent() {
    Map<String, String> env =
        Map.of("SANDBOXD_LISTEN", "[::]:7070", "SANDBOXD_TOKEN_FILE", "/var/run/bastion/token");
    SandboxdConfig fromEnv = SandboxdConfig.parse(env, "--health-check");
    assertThat(fromEnv.listen()).isEqualTo(new ListenAddress("::", 7070));
    assertThat(fromEnv.listen()).hasToString("[::]:7070");
    assertThat(fromEnv.tokenFile()).isEqualTo(Path.of("/var/run/bastion/token"));
    assertThat(fromEnv.healthCheck()).isTrue();

    SandboxdConfig flagsWin =
        SandboxdConfig.parse(env, "--listen", "127.0.0.1:9000", "--token-file", "/t");
    assertThat(flagsWin.listen()).isEqualTo(new ListenAddress("127.0.0.1", 9000));
    assertThat(flagsWin.tokenFile()).isEqualTo(Path.of("/t"));
  }

  @Test
  void refusesTcpWithoutATokenFile() {
    assertThatThrownBy(() -> SandboxdConfig.parse(NO_ENV, "--listen", "0.0.0.0:7070"))
        .hasMessage("refusing to serve TCP without --token-file");
    assertThatThrownBy(
            () ->
                SandboxdConfig.parse(
                    Map.of("SANDBOXD_LISTEN", "0.0.0.0:7070"), "--workspace", "/w"))
        .hasMessage("refusing to serve TCP without --token-file");
  }

  @Test
  void needsASocketOrAListener() {
    assertThatThrownBy(() -> SandboxdConfig.parse(NO_ENV, "--token-file", "/t"))
        .hasMessage("--socket or --listen is required");
  }

  @Test
  void rejectsMalformedListenAddresses() {
    for (String bad : new String[] {"7070", ":7070", "host:", "host:port", "host:65536", "h:-1"}) {
      assertThatThrownBy(() -> SandboxdConfig.parse(NO_ENV, "--listen", bad, "--token-file", "/t"))
          .hasMessage("--listen must be HOST:PORT (e.g. 0.0.0.0:7070), got " + bad);
    }
    assertThatThrownBy(
            () -> SandboxdConfig.parse(Map.of("SANDBOXD_LISTEN", "nope"), "--socket", "/s"))
        .hasMessage("SANDBOXD_LISTEN must be HOST:PORT (e.g. 0.0.0.0:7070), got nope");
  }

  @Test
  void wildcardListenersAreReachedOnLoopback() {
    assertThat(new ListenAddress("0.0.0.0", 1).connectHost()).isEqualTo("127.0.0.1");
    assertThat(new ListenAddress("::", 1).connectHost()).isEqualTo("::1");
    assertThat(new ListenAddress("10.1.2.3", 1).connectHost()).isEqualTo("10.1.2.3");
  }

  @Test
  void readsTheTokenTrimmedAndMatchesOnlyItsExactBearerHeader() throws Exception {
    Path file = Files.writeString(temp.resolve("token"), "  s3cret-token\n");
    BearerToken token = BearerToken.read(file);
    assertThat(token.headerValue()).isEqualTo("Bearer s3cret-token");
    assertThat(token.matches("Bearer s3cret-token")).isTrue();
    assertThat(token.matches("Bearer s3cret-toke")).isFalse();
    assertThat(token.matches("Bearer s3cret-token2")).isFalse();
    assertThat(token.matches("s3cret-token")).isFalse();
    assertThat(token.matches("")).isFalse();
    assertThat(token.matches(null)).isFalse();
    assertThat(token.toString()).doesNotContain("s3cret");
  }

  @Test
  void refusesAMissingOrEmptyTokenFileInOneSentence() throws Exception {
    Path missing = temp.resolve("missing");
    assertThatThrownBy(() -> BearerToken.read(missing))
        .hasMessage("the token file " + missing + " does not exist");
    Path blank = Files.writeString(temp.resolve("blank"), " \n\t\n");
    assertThatThrownBy(() -> BearerToken.read(blank))
        .hasMessage("the token file " + blank + " is empty");
    assertThatThrownBy(() -> BearerToken.read(temp))
        .hasMessage("the token file " + temp + " cannot be read");
  }

  @Test
  void anImagesEnvAndWorkingDirBecomeEveryProcesssDefaults() throws Exception {
    Path env =
        Files.writeString(temp.resolve("image-env"), "PATH=/opt/app/bin\0MULTI=a\nb\0PATH=/x\0");
    SandboxdConfig config =
        SandboxdConfig.parse(
            NO_ENV,
            "--socket",
            "/s",
            "--image-env-file",
            env.toString(),
            "--image-workdir",
            "/srv/app");
    ProcessDefaults defaults = config.processDefaults();
    assertThat(defaults.env()).containsExactly(Map.entry("PATH", "/x"), Map.entry("MULTI", "a\nb"));
    assertThat(defaults.cwd()).contains(Path.of("/srv/app"));
    assertThat(SandboxdConfig.parse(NO_ENV, "--socket", "/s").processDefaults())
        .isEqualTo(ProcessDefaults.NONE);
  }

  @Test
  void refusesImageDefaultsThatAreNotWhatTheHostWrites() throws Exception {
    Path bad = Files.writeString(temp.resolve("bad-env"), "NOEQUALS\0");
    assertThatThrownBy(
            () ->
                SandboxdConfig.parse(NO_ENV, "--socket", "/s", "--image-env-file", bad.toString()))
        .hasMessageContaining("not NAME=value");
    Path huge = Files.write(temp.resolve("huge"), new byte[ProcessDefaults.MAX_ENV_FILE_BYTES + 1]);
    assertThatThrownBy(
            () ->
                SandboxdConfig.parse(NO_ENV, "--socket", "/s", "--image-env-file", huge.toString()))
        .hasMessageContaining("larger than");
    assertThatThrownBy(
            () -> SandboxdConfig.parse(NO_ENV, "--socket", "/s", "--image-workdir", "srv"))
        .hasMessage("--image-workdir must be an absolute path, got srv");
  }
}
