package dev.bastion.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

  @Test
  void tokensMapToTenantsAndAdminIsMarked() {
    TokenFile tokens =
        TokenFile.parse(
            List.of(
                "# comment",
                "",
                "alice-token-0123456789 alice",
                "root-token-0123456789 ops admin"));
    assertThat(tokens.tenantOf("alice-token-0123456789")).contains(new Tenant("alice", false));
    assertThat(tokens.tenantOf("root-token-0123456789")).contains(new Tenant("ops", true));
    assertThat(tokens.tenantOf("alice-token-012345678")).isEmpty();
  }

  @Test
  void badLinesAreNamed() {
    assertThatThrownBy(() -> TokenFile.parse(List.of("short alice")))
        .hasMessageContaining("line 1")
        .hasMessageContaining("shorter");
    assertThatThrownBy(() -> TokenFile.parse(List.of("# x", "alice-token-0123456789 Alice")))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> TokenFile.parse(List.of("alice-token-0123456789 alice root")))
        .hasMessageContaining("TOKEN TENANT admin");
    assertThatThrownBy(
            () -> TokenFile.parse(List.of("alice-token-0123456789 a", "alice-token-0123456789 b")))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> TokenFile.parse(List.of("# nothing")))
        .hasMessageContaining("no tokens");
  }

  @Test
  void generatedFileHoldsOneAdminTokenReadableByItsOwnerOnly(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("state/tokens");
    String token = TokenFile.generate(file);
    assertThat(TokenFile.read(file).tenantOf(token)).contains(new Tenant("default", true));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void authenticatorWantsABearerHeader() {
    Authenticator auth =
        new Authenticator(TokenFile.parse(List.of("alice-token-0123456789 alice")));
    assertThat(auth.authenticate("Bearer alice-token-0123456789"))
        .contains(new Tenant("alice", false));
    assertThat(auth.authenticate("bearer  alice-token-0123456789 "))
        .contains(new Tenant("alice", false));
    assertThat(auth.authenticate("Basic alice-token-0123456789")).isEmpty();
    assertThat(auth.authenticate(null)).isEmpty();
    assertThat(auth.authenticate("Bearer " + "x".repeat(2000))).isEmpty();
  }
}
