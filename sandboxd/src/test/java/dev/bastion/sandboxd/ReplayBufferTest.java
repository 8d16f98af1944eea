package dev.bastion.sandboxd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ExecEvent;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

  @Test
  void keepsEventsInOrder() {
    ReplayBuffer buffer = new ReplayBuffer(100);
    buffer.add(stdout("a"));
    buffer.add(stderr("b"));
    buffer.add(stdout("c"));
    assertThat(buffer.snapshot()).containsExactly(stdout("a"), stderr("b"), stdout("c"));
  }

  @Test
  void evictsOldestBeyondCapacity() {
    ReplayBuffer buffer = new ReplayBuffer(6);
    buffer.add(stdout("aaa"));
    buffer.add(stderr("bbb"));
    buffer.add(stdout("cc"));
    assertThat(buffer.snapshot()).containsExactly(stderr("bbb"), stdout("cc"));
  }

  @Test
  void keepsTheTailOfAnOversizedChunk() {
    ReplayBuffer buffer = new ReplayBuffer(4);
    buffer.add(stdout("x"));
    buffer.add(stderr("0123456789"));
    assertThat(buffer.snapshot()).containsExactly(stderr("6789"));
  }

  @Test
  void keepsTerminalOutputAsTerminalOutput() {
    ReplayBuffer buffer = new ReplayBuffer(4);
    buffer.add(pty("ab"));
    buffer.add(pty("0123456789"));
    assertThat(buffer.snapshot()).containsExactly(pty("6789"));
  }

  @Test
  void holdsNothingWithZeroCapacity() {
    ReplayBuffer buffer = new ReplayBuffer(0);
    buffer.add(stdout("abc"));
    assertThat(buffer.snapshot()).isEmpty();
  }

  private static ExecEvent stdout(String s) {
    return ExecEvent.newBuilder().setStdout(ByteString.copyFromUtf8(s)).build();
  }

  private static ExecEvent stderr(String s) {
    return ExecEvent.newBuilder().setStderr(ByteString.copyFromUtf8(s)).build();
  }

  private static ExecEvent pty(String s) {
    return ExecEvent.newBuilder().setPty(ByteString.copyFromUtf8(s)).build();
  }
}
