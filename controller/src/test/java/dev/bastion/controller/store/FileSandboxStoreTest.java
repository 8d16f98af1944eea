package dev.bastion.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSandboxStoreTest {

  @TempDir Path dir;

  private static SandboxRecord record(String id, SandboxPhase phase) {
    return new SandboxRecord(
        id,
        "alice",
        "python",
        "",
        Map.of("team", "a"),
        Map.of("API_KEY", "secret"),
        phase,
        "gvisor",
        "cold",
        Instant.parse("2026-01-02T03:04:05Z"),
        Instant.parse("2026-01-02T04:04:05Z"),
        "");
  }

  @Test
  void recordsSurviveANewStoreOnTheSameDirectory() {
    new FileSandboxStore(dir).put(record("sbx-1", SandboxPhase.READY));
    assertThat(new FileSandboxStore(dir).loadAll())
        .containsExactly(record("sbx-1", SandboxPhase.READY));
  }

  @Test
  void putReplacesAndRemoveDeletes() {
    FileSandboxStore store = new FileSandboxStore(dir);
    store.put(record("sbx-1", SandboxPhase.PENDING));
    store.put(record("sbx-1", SandboxPhase.READY));
    store.put(record("sbx-2", SandboxPhase.SUSPENDED));
    store.remove("sbx-2");
    assertThat(store.loadAll()).containsExactly(record("sbx-1", SandboxPhase.READY));
  }

  @Test
  void aWriteInterruptedBeforeItsRenameLeavesTheOldRecord() throws IOException {
    FileSandboxStore store = new FileSandboxStore(dir);
    store.put(record("sbx-1", SandboxPhase.READY));
    // What a crash between writing the temporary file and renaming it leaves behind.
    Files.writeString(dir.resolve("sbx-1.json.tmp"), "{\"id\":\"sbx-1\",\"pha");
    assertThat(new FileSandboxStore(dir).loadAll())
        .containsExactly(record("sbx-1", SandboxPhase.READY));
    assertThat(dir.resolve("sbx-1.json.tmp")).doesNotExist();
  }

  @Test
  void anUnreadableRecordIsSetAsideNotGuessed() throws IOException {
    Files.writeString(dir.resolve("sbx-9.json"), "not json");
    assertThat(new FileSandboxStore(dir).loadAll()).isEmpty();
    assertThat(dir.resolve("sbx-9.json.corrupt")).exists();
  }

  @Test
  void recordsAreReadableByTheOwnerOnly() throws IOException {
    new FileSandboxStore(dir).put(record("sbx-1", SandboxPhase.READY));
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("sbx-1.json"))))
        .isEqualTo("rw-------");
  }
}
