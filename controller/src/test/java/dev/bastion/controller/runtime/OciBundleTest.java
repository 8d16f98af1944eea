package dev.bastion.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OciBundleTest {

  private final ContainerSpec spec =
      new ContainerSpec(
          "sbx-abc",
          "sbx-abc",
          Path.of("/cache/rootfs"),
          new ProcessDefaults(List.of("GREETING=hi"), Optional.of("/srv"), 1234, 1235),
          Path.of("/cache/sandboxd-runtime/v1-x"),
          Path.of("/build/sandboxd.jar"),
          Path.of("/state/sandboxes/sbx-abc/workspace"),
          Path.of("/state/sandboxes/sbx-abc/run"),
          new SandboxLimits(256L << 20, 128, 500, 64L << 20));

  private final JsonObject config = OciBundle.config(spec);

  @Test
  void rootIsReadOnlyAndHostnameIsTheSandboxId() {
    assertThat(config.getJsonObject("root").getBoolean("readonly")).isTrue();
    assertThat(config.getJsonObject("root").getString("path")).isEqualTo("/cache/rootfs");
    assertThat(config.getString("hostname")).isEqualTo("sbx-abc");
  }

  @Test
  void entryProcessHoldsOnlySandboxdsCapabilitiesAndStartsTheAgentsCodeAsTheSandboxUser() {
    JsonObject process = config.getJsonObject("process");
    assertThat(process.getJsonObject("user").getInteger("uid"))
        .isEqualTo(SandboxPaths.SANDBOXD_UID);
    assertThat(process.getBoolean("noNewPrivileges")).isTrue();
    JsonObject caps = process.getJsonObject("capabilities");
    assertThat(caps.getJsonArray("effective").getList())
        .containsExactlyInAnyOrderElementsOf(OciBundle.SANDBOXD_CAPABILITIES)
        .doesNotContain("CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_PTRACE", "CAP_NET_RAW");
    // Held for the one sethostname after a restore, not in effect.
    List<String> held = new ArrayList<>(OciBundle.SANDBOXD_CAPABILITIES);
    held.add("CAP_SYS_ADMIN");
    for (String set : List.of("bounding", "permitted")) {
      assertThat(caps.getJsonArray(set).getList())
          .as(set)
          .containsExactlyInAnyOrderElementsOf(held)
          .doesNotContain("CAP_NET_ADMIN", "CAP_SYS_PTRACE", "CAP_NET_RAW");
    }
    assertThat(caps.getJsonArray("inheritable")).isEmpty();
    assertThat(caps.getJsonArray("ambient")).isEmpty();
    List<Object> args = process.getJsonArray("args").getList();
    assertThat(args.get(0)).isEqualTo("/opt/bastion/bin/tini");
    assertThat(args).contains("/opt/bastion/java/bin/java", "/opt/bastion/sandboxd.jar");
    assertThat(args.get(args.indexOf("--run-as") + 1)).isEqualTo("1234:1235");
  }

  @Test
  void theImagesEnvAndWorkingDirAreSandboxdsDefaultsForEveryProcess() {
    List<Object> args = config.getJsonObject("process").getJsonArray("args").getList();
    assertThat(args.get(args.indexOf("--image-workdir") + 1)).isEqualTo("/srv");
    assertThat(args.get(args.indexOf("--image-env-file") + 1)).isEqualTo("/run/bastion/image-env");
  }

  @Test
  void sandboxdsRuntimeIsMountedReadOnlyWithTheJarOnTop() {
    List<String> destinations =
        config.getJsonArray("mounts").stream()
            .map(m -> ((JsonObject) m).getString("destination"))
            .toList();
    assertThat(destinations.indexOf("/opt/bastion"))
        .isLessThan(destinations.indexOf("/opt/bastion/sandboxd.jar"));
    JsonObject runtime = mount("/opt/bastion");
    assertThat(runtime.getString("source")).isEqualTo("/cache/sandboxd-runtime/v1-x");
    assertThat(runtime.getJsonArray("options").getList()).contains("ro", "nosuid", "nodev");
  }

  @Test
  void limitsBecomeCgroupResources() {
    JsonObject resources = config.getJsonObject("linux").getJsonObject("resources");
    assertThat(resources.getJsonObject("memory").getLong("limit")).isEqualTo(256L << 20);
    assertThat(resources.getJsonObject("memory").getLong("swap")).isEqualTo(256L << 20);
    assertThat(resources.getJsonObject("pids").getInteger("limit")).isEqualTo(128);
    assertThat(resources.getJsonObject("cpu").getLong("quota")).isEqualTo(50_000);
    assertThat(resources.getJsonObject("cpu").getLong("period")).isEqualTo(100_000);
    assertThat(config.getJsonObject("linux").getString("cgroupsPath"))
        .isEqualTo("/bastion/sbx-abc");
  }

  @Test
  void hasItsOwnNetworkNamespace() {
    JsonArray namespaces = config.getJsonObject("linux").getJsonArray("namespaces");
    assertThat(namespaces.stream().map(ns -> ((JsonObject) ns).getString("type")))
        .contains("network", "pid", "mount", "ipc", "uts");
  }

  @Test
  void mountsWorkspaceReadWriteAndSandboxdReadOnly() {
    JsonObject workspace = mount("/workspace");
    assertThat(workspace.getString("source")).isEqualTo("/state/sandboxes/sbx-abc/workspace");
    assertThat(workspace.getJsonArray("options").getList()).contains("rw", "nosuid", "nodev");
    JsonObject jar = mount("/opt/bastion/sandboxd.jar");
    assertThat(jar.getString("source")).isEqualTo("/build/sandboxd.jar");
    assertThat(jar.getJsonArray("options").getList()).contains("ro");
    assertThat(mount("/run/bastion").getString("source")).isEqualTo("/state/sandboxes/sbx-abc/run");
    JsonObject tmp = mount("/tmp");
    assertThat(tmp.getString("type")).isEqualTo("tmpfs");
    assertThat(tmp.getJsonArray("options").getList()).contains("size=" + (64L << 20));
  }

  @Test
  void sameSpecGivesTheSameDocument() {
    assertThat(OciBundle.config(spec).encode()).isEqualTo(config.encode());
  }

  private JsonObject mount(String destination) {
    return config.getJsonArray("mounts").stream()
        .map(JsonObject.class::cast)
        .filter(m -> m.getString("destination").equals(destination))
        .findFirst()
        .orElseThrow();
  }
}
