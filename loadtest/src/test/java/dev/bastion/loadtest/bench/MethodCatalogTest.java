package dev.bastion.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MethodCatalogTest {

  @Test
  void findsAMethodByEitherOfGhzsNames() {
    BenchMethod slash = MethodCatalog.resolve("bastion.v1.Processes/Exec");
    BenchMethod dot = MethodCatalog.resolve("bastion.v1.Processes.Exec");

    assertThat(slash.fullName()).isEqualTo("bastion.v1.Processes/Exec");
    assertThat(dot.fullName()).isEqualTo("bastion.v1.Processes/Exec");
    assertThat(slash.serviceMethod().fullMethodName()).isEqualTo("bastion.v1.Processes/Exec");
  }

  @Test
  void knowsEachKindOfCall() {
    assertThat(kind("bastion.v1.Processes/Run")).isEqualTo("unary");
    assertThat(kind("bastion.v1.Files/Read")).isEqualTo("server-streaming");
    assertThat(kind("bastion.v1.Files/Watch")).isEqualTo("server-streaming");
    assertThat(kind("bastion.v1.Files/Write")).isEqualTo("client-streaming");
    assertThat(kind("bastion.v1.Processes/Exec")).isEqualTo("bidi");
  }

  @Test
  void listsEveryRpcOfTheFourServices() {
    assertThat(MethodCatalog.names())
        .hasSize(28)
        .contains(
            "bastion.v1.Sandboxes/Create",
            "bastion.v1.Sandboxes/Snapshot",
            "bastion.v1.Processes/Connect",
            "bastion.v1.Files/MakeDir",
            "bastion.v1.Contexts/RunCode");
  }

  private static String kind(String name) {
    BenchMethod method = MethodCatalog.resolve(name);
    if (method.clientStreaming()) {
      return method.serverStreaming() ? "bidi" : "client-streaming";
    }
    return method.serverStreaming() ? "server-streaming" : "unary";
  }
}
