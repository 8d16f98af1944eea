package dev.bastion.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxCgroupsTest {

  @TempDir Path root;

  @Test
  void oomKillInTheMemoryCgroupMeansOutOfMemory() throws IOException {
    write(
        "memory/bastion/sbx-1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    write("pids/bastion/sbx-1/pids.events", "max 0\n");
    assertThat(new SandboxCgroups(root).causeOf("sbx-1"))
        .contains(SandboxCgroups.Cause.OUT_OF_MEMORY);
  }

  @Test
  void maxEventsInThePidsCgroupMeanProcessLimit() throws IOException {
    write(
        "memory/bastion/sbx-2/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    write("pids/bastion/sbx-2/pids.events", "max 3\n");
    assertThat(new SandboxCgroups(root).causeOf("sbx-2"))
        .contains(SandboxCgroups.Cause.PROCESS_LIMIT);
  }

  @Test
  void unifiedHierarchyIsReadToo() throws IOException {
    write("bastion/sbx-3/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
    assertThat(new SandboxCgroups(root).causeOf("sbx-3"))
        .contains(SandboxCgroups.Cause.OUT_OF_MEMORY);
  }

  @Test
  void noCountersMeansNoLimitWasHit() {
    assertThat(new SandboxCgroups(root).causeOf("sbx-gone")).isEmpty();
  }

  @Test
  void releaseRemovesWhatADeadContainerLeftInEveryHierarchy() throws IOException {
    Files.createDirectories(root.resolve("memory/bastion/sbx-4"));
    Files.createDirectories(root.resolve("pids/bastion/sbx-4"));
    Files.createDirectories(root.resolve("pids/bastion/sbx-other"));
    assertThat(new SandboxCgroups(root).ids()).containsExactly("sbx-4", "sbx-other");
    new SandboxCgroups(root).release("sbx-4");
    assertThat(root.resolve("memory/bastion/sbx-4")).doesNotExist();
    assertThat(root.resolve("pids/bastion/sbx-4")).doesNotExist();
    assertThat(root.resolve("pids/bastion/sbx-other")).exists();
  }

  private void write(String relative, String content) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
