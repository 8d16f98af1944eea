package dev.bastion.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleApiTest {

  @Test
  void routesAreTheConsolesOnlyAndLeaveTheTerminalToItsOwnRoute() {
    assertThat(ConsoleApi.handles("/v1/sandboxes")).isTrue();
    assertThat(ConsoleApi.handles("/v1/sandboxes/sbx-1")).isTrue();
    assertThat(ConsoleApi.handles("/v1/sandboxes/sbx-1/files/list")).isTrue();
    assertThat(ConsoleApi.handles("/v1/sandboxes/sbx-1/audit")).isTrue();
    assertThat(ConsoleApi.handles("/v1/sandboxes/sbx-1/terminal")).isFalse();
    assertThat(ConsoleApi.handles("/v1/sandboxes/sbx-1/files/other")).isFalse();
    assertThat(ConsoleApi.handles("/v1/resources/sandboxes")).isFalse();
  }

  @Test
  void aDownloadsNameCannotBreakOutOfItsHeader() {
    assertThat(ConsoleApi.attachment("/workspace/a b\".txt\r\nx: y"))
        .isEqualTo(
            "attachment; filename=\"a_b_.txt__x__y\"; filename*=UTF-8''a%20b%22.txt%0D%0Ax%3A%20y");
    assertThat(ConsoleApi.attachment("/workspace/ünï.csv"))
        .isEqualTo("attachment; filename=\"_n_.csv\"; filename*=UTF-8''%C3%BCn%C3%AF.csv");
  }
}
