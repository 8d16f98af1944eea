package dev.bastion.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

  @TempDir Path dir;

  @Test
  void closeWritesEveryLineQueuedBeforeIt() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    AuditLog log = new AuditLog(file, Long.MAX_VALUE, 3);
    for (int i = 0; i < 10_000; i++) {
      log.append("{\"n\":" + i + "}");
    }
    log.close();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(10_000);
    assertThat(lines.get(9_999)).isEqualTo("{\"n\":9999}");
    assertThat(log.dropped()).isZero();
  }

  @Test
  void appendsToAnExistingLogAcrossRestarts() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    AuditLog first = new AuditLog(file, Long.MAX_VALUE, 3);
    first.append("{\"run\":1}");
    first.close();
    AuditLog second = new AuditLog(file, Long.MAX_VALUE, 3);
    second.append("{\"run\":2}");
    second.close();
    assertThat(Files.readAllLines(file)).containsExactly("{\"run\":1}", "{\"run\":2}");
  }

  @Test
  void rotatesBySizeKeepingTheNewestFiles() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    AuditLog log = new AuditLog(file, 100, 2);
    for (int i = 0; i < 50; i++) {
      log.append("{\"n\":" + String.format("%04d", i) + "}"); // 12 bytes with the newline
    }
    log.close();
    assertThat(Files.exists(dir.resolve("audit.jsonl.1"))).isTrue();
    assertThat(Files.exists(dir.resolve("audit.jsonl.2"))).isTrue();
    assertThat(Files.exists(dir.resolve("audit.jsonl.3"))).as("only two rotated files").isFalse();
    List<String> kept = new ArrayList<>();
    kept.addAll(Files.readAllLines(dir.resolve("audit.jsonl.2")));
    kept.addAll(Files.readAllLines(dir.resolve("audit.jsonl.1")));
    kept.addAll(Files.readAllLines(file));
    assertThat(Files.size(dir.resolve("audit.jsonl.1"))).isLessThanOrEqualTo(100 + 12);
    assertThat(kept.get(kept.size() - 1)).isEqualTo("{\"n\":0049}");
    for (int i = 1; i < kept.size(); i++) {
      assertThat(kept.get(i).compareTo(kept.get(i - 1))).as("in order").isPositive();
    }
  }
}
