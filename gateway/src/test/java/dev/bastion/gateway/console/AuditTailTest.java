package dev.bastion.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTailTest {

  @TempDir Path dir;

  private static String line(int n, String tenant, String sandbox) {
    return new JsonObject()
        .put("n", n)
        .put("tenant", tenant)
        .put("sandbox", sandbox)
        .put("tool", "files.read")
        .put("args", new JsonObject().put("path", "/workspace/" + "x".repeat(n % 300)))
        .encode();
  }

  @Test
  void findsTheNewestDecisionsOfOneTenantsSandboxAcrossBlocks() throws Exception {
    Path log = dir.resolve("audit.jsonl");
    // 3,000 lines of ~200 bytes: several 64 KiB blocks, lines cut at block boundaries.
    List<String> lines =
        IntStream.range(0, 3000)
            .mapToObj(
                n ->
                    switch (n % 3) {
                      case 0 -> line(n, "alice", "sbx-a");
                      case 1 -> line(n, "bob", "sbx-a");
                      default -> line(n, "alice", "sbx-b");
                    })
            .toList();
    Files.write(log, lines);
    List<JsonObject> found = new AuditTail(log).recent("alice", "sbx-a", 1000).orElseThrow();
    assertThat(found).hasSize(1000);
    assertThat(found.stream().map(d -> d.getInteger("n")))
        .containsExactlyElementsOf(
            IntStream.iterate(2997, n -> n - 3).limit(1000).boxed().toList());
    assertThat(new AuditTail(log).recent("alice", "sbx-a", 5).orElseThrow()).hasSize(5);
  }

  @Test
  void readsTheFirstLineAndSkipsAHalfWrittenLast() throws Exception {
    Path log = dir.resolve("audit.jsonl");
    Files.writeString(
        log, line(1, "alice", "sbx-a") + "\n" + line(2, "alice", "sbx-a") + "\n{\"tenant\":\"al");
    List<JsonObject> found = new AuditTail(log).recent("alice", "sbx-a", 50).orElseThrow();
    assertThat(found.stream().map(d -> d.getInteger("n"))).containsExactly(2, 1);
  }

  @Test
  void saysSoWhenThereIsNoAuditLog() throws Exception {
    assertThat(new AuditTail(dir.resolve("none.jsonl")).recent("alice", "sbx-a", 50)).isEmpty();
  }
}
