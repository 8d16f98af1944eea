package dev.bastion.sandboxd;

import dev.bastion.api.v1.CodeEvent;
import dev.bastion.api.v1.Done;
import dev.bastion.api.v1.ExecutionError;
import dev.bastion.api.v1.Result;
import dev.bastion.sandboxd.kernel.JupyterMessage;
import dev.bastion.sandboxd.kernel.KernelClient.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * One cell as it runs: turns the kernel's messages about it ({@code stream}, {@code
 * execute_result}, {@code display_data}, {@code error}, then {@code execute_reply} and the idle
 * status) into {@link CodeEvent}s, in order, and {@code done} last. Output and results count
 * against one cap; past it they are dropped and {@code done.truncated} says so.
 */
final class CellRun {

  private final String msgId;
  private final String contextId;
  private final Consumer<CodeEvent> events;
  private final long startedNanos = System.nanoTime();
  private long bytesLeft;
  private boolean truncated;
  private boolean replied;
  private boolean idle;
  private boolean finished;
  private long executionCount;
  private boolean timedOut;

  CellRun(String contextId, String msgId, long maxBytes, Consumer<CodeEvent> events) {
    this.contextId = contextId;
    this.msgId = msgId;
    this.bytesLeft = maxBytes;
    this.events = events;
  }

  String msgId() {
    return msgId;
  }

  boolean finished() {
    return finished;
  }

  /** The cell ran out of time: it is being interrupted, and done will say so. */
  void timedOut() {
    timedOut = true;
  }

  /** Takes a message from the kernel; those about other requests are not this cell's. */
  void accept(Channel channel, JupyterMessage message) {
    if (finished || !message.parentMsgId().equals(msgId)) {
      return;
    }
    JsonObject content = message.content();
    switch (message.msgType()) {
      case "stream" -> {
        String text = content.getString("text", "");
        if (admit(text.length())) {
          events.accept(
              "stderr".equals(content.getString("name"))
                  ? CodeEvent.newBuilder().setStderr(text).build()
                  : CodeEvent.newBuilder().setStdout(text).build());
        }
      }
      case "execute_result", "display_data" ->
          result(content, message.msgType().equals("execute_result"));
      case "error" -> {
        ExecutionError.Builder error =
            ExecutionError.newBuilder()
                .setName(content.getString("ename", ""))
                .setValue(content.getString("evalue", ""));
        for (Object line : content.getJsonArray("traceback", new JsonArray())) {
          error.addTraceback(String.valueOf(line));
        }
        // The name always comes back; a value and traceback past the cap do not (raise
        // Exception('x' * 10**9) is one line of code).
        long size = error.getValue().length();
        for (String line : error.getTracebackList()) {
          size += line.length();
        }
        if (!admit(size)) {
          error.setValue("").clearTraceback();
        }
        events.accept(CodeEvent.newBuilder().setError(error).build());
      }
      case "execute_reply" -> {
        if (channel == Channel.SHELL) {
          replied = true;
          executionCount = content.getLong("execution_count", 0L);
        }
      }
      case "status" -> idle |= "idle".equals(content.getString("execution_state"));
      default -> {
        // execute_input, clear_output, comm messages: nothing a caller of RunCode sees.
      }
    }
    if (replied && idle) {
      finish();
    }
  }

  /** Ends the cell with an error of sandboxd's own, e.g. when its kernel died. */
  void abort(String name, String value) {
    if (finished) {
      return;
    }
    events.accept(
        CodeEvent.newBuilder()
            .setError(ExecutionError.newBuilder().setName(name).setValue(value))
            .build());
    finish();
  }

  private void result(JsonObject content, boolean main) {
    JsonObject data = content.getJsonObject("data", new JsonObject());
    Result.Builder result = Result.newBuilder().setIsMainResult(main);
    long size = 0;
    for (String type : data.fieldNames()) {
      Object value = data.getValue(type);
      // JSON-valued types (application/json) come as objects: kept as their text.
      String text = value instanceof String s ? s : String.valueOf(value);
      size += type.length() + text.length();
      result.putData(type, text);
    }
    if (admit(size)) {
      events.accept(CodeEvent.newBuilder().setResult(result).build());
    }
  }

  private boolean admit(long size) {
    if (size > bytesLeft) {
      truncated = true;
      bytesLeft = 0;
      return false;
    }
    bytesLeft -= size;
    return true;
  }

  private void finish() {
    finished = true;
    events.accept(
        CodeEvent.newBuilder()
            .setDone(
                Done.newBuilder()
                    .setContextId(contextId)
                    .setExecutionCount(executionCount)
                    .setDurationMs((System.nanoTime() - startedNanos) / 1_000_000)
                    .setTimedOut(timedOut)
                    .setTruncated(truncated))
            .build());
  }
}
