package dev.bastion.controller.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.controller.runtime.ProcessDefaults;
import dev.bastion.controller.runtime.SandboxPaths;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageConfigTest {

  private static ProcessDefaults parse(String config) {
    return ImageConfig.parse("r/app:1", "{\"config\": " + config + "}");
  }

  @Test
  void envWorkingDirAndANumericUserBecomeTheProcessesDefaults() {
    ProcessDefaults defaults =
        parse(
            "{\"Env\": [\"PATH=/opt/app/bin:/usr/bin\", \"GREETING=a=b\"], \"WorkingDir\": \"/srv/./app\", \"User\": \"1234:2345\"}");
    assertThat(defaults.env()).containsExactly("PATH=/opt/app/bin:/usr/bin", "GREETING=a=b");
    assertThat(defaults.workingDir()).contains("/srv/app");
    assertThat(defaults.uid()).isEqualTo(1234);
    assertThat(defaults.gid()).isEqualTo(2345);
    assertThat(parse("{\"User\": \"1234\"}").gid()).isEqualTo(1234);
  }

  @Test
  void anImageThatSaysNothingRunsAsTheSandboxUserInTheWorkspace() {
    ProcessDefaults defaults = parse("{}");
    assertThat(defaults.env()).isEmpty();
    assertThat(defaults.workingDir()).isEqualTo(Optional.empty());
    assertThat(defaults.uid()).isEqualTo(SandboxPaths.SANDBOX_UID);
    assertThat(ImageConfig.parse("r/app:1", "{}").uid()).isEqualTo(SandboxPaths.SANDBOX_UID);
  }

  @Test
  void rootAndNamedUsersAreRefusedWithTheReason() {
    for (String root : List.of("0", "0:0", "1000:0", "00")) {
      assertThatThrownBy(() -> parse("{\"User\": \"" + root + "\"}"))
          .as(root)
          .isInstanceOf(ImageFailure.class)
          .hasMessageContaining("image r/app:1 runs as root");
    }
    for (String named : List.of("root", "app", "1000:staff", "-1", "99999999999")) {
      assertThatThrownBy(() -> parse("{\"User\": \"" + named + "\"}"))
          .as(named)
          .hasMessageContaining("which is not numeric");
    }
  }

  @Test
  void malformedConfigurationsAreRefusedNotGuessed() {
    assertThatThrownBy(() -> parse("{\"Env\": [\"NOEQUALS\"]}")).hasMessageContaining("NAME=value");
    assertThatThrownBy(() -> parse("{\"Env\": \"PATH=/bin\"}")).hasMessageContaining("not a list");
    assertThatThrownBy(() -> parse("{\"WorkingDir\": \"relative\"}"))
        .hasMessageContaining("not an absolute path");
    assertThatThrownBy(() -> ImageConfig.parse("r/app:1", "["))
        .hasMessageContaining("not valid JSON");
    StringBuilder many = new StringBuilder("{\"Env\": [");
    for (int i = 0; i <= ImageConfig.MAX_ENV_ENTRIES; i++) {
      many.append(i == 0 ? "" : ",").append("\"V").append(i).append("=x\"");
    }
    assertThatThrownBy(() -> parse(many + "]}"))
        .hasMessageContaining("more Env than a sandbox takes");
  }
}
