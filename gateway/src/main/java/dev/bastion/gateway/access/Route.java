package dev.bastion.gateway.access;

import dev.bastion.controller.policy.PolicyLimits;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.gateway.metrics.StreamKind;
import io.vertx.grpc.common.ServiceMethod;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * How one method is forwarded to sandboxd, and what policies see of it.
 *
 * @param target the same method on sandboxd
 * @param sandboxIdOf finds the sandbox id in the first request message (or throws a status)
 * @param toolCalls the tool calls the first message makes, each decided by policy (a move is a
 *     removal and a write, so a rule on either path applies)
 * @param prepare adjusts the first message for the sandbox and the limits in force, e.g. adds the
 *     sandbox's environment and caps the timeout
 * @param onOutOfMemory the last message to send when the sandbox was stopped for running out of
 *     memory mid-call; empty where the method has no way to say so
 * @param kind what the call streams, for the metrics; a process kind is counted against
 *     maxConcurrentExecs, and file content against maxFileBytes
 * @param bytesIn payload bytes in a request message (stdin, file content)
 * @param bytesOut payload bytes in a response message (output, file content)
 */
public record Route<Req, Resp>(
    ServiceMethod<Resp, Req> target,
    Function<Req, String> sandboxIdOf,
    Function<Req, List<ToolCall>> toolCalls,
    Preparation<Req> prepare,
    Function<SandboxView, Optional<Resp>> onOutOfMemory,
    StreamKind kind,
    ToLongFunction<Req> bytesIn,
    ToLongFunction<Resp> bytesOut) {

  /** Adjusts a call's first message before it is forwarded. */
  @FunctionalInterface
  public interface Preparation<Req> {
    /**
     * @throws dev.bastion.gateway.policy.LimitExceededException when the message asks for more than
     *     a limit allows
     */
    Req apply(SandboxView sandbox, PolicyLimits limits, Req first);
  }

  /** A route that forwards the first message unchanged and moves no file content. */
  public static <Req, Resp> Route<Req, Resp> plain(
      ServiceMethod<Resp, Req> target,
      Function<Req, String> sandboxIdOf,
      Function<Req, ToolCall> toolCall) {
    return plainMaking(target, sandboxIdOf, first -> List.of(toolCall.apply(first)));
  }

  /** Like {@link #plain}, for a method that makes several tool calls at once. */
  public static <Req, Resp> Route<Req, Resp> plainMaking(
      ServiceMethod<Resp, Req> target,
      Function<Req, String> sandboxIdOf,
      Function<Req, List<ToolCall>> toolCalls) {
    return new Route<>(
        target,
        sandboxIdOf,
        toolCalls,
        (sandbox, limits, first) -> first,
        sandbox -> Optional.empty(),
        StreamKind.NONE,
        request -> 0,
        response -> 0);
  }

  /** A route that starts a process in the sandbox, of kind {@code kind}. */
  static <Req, Resp> Route<Req, Resp> process(
      ServiceMethod<Resp, Req> target,
      Function<Req, String> sandboxIdOf,
      Function<Req, ToolCall> toolCall,
      Preparation<Req> prepare,
      Function<SandboxView, Optional<Resp>> onOutOfMemory,
      StreamKind kind,
      ToLongFunction<Req> stdinBytes,
      ToLongFunction<Resp> outputBytes) {
    return new Route<>(
        target,
        sandboxIdOf,
        first -> List.of(toolCall.apply(first)),
        prepare,
        onOutOfMemory,
        kind,
        stdinBytes,
        outputBytes);
  }

  /** A route that moves file content, bounded by maxFileBytes. */
  static <Req, Resp> Route<Req, Resp> transfer(
      ServiceMethod<Resp, Req> target,
      Function<Req, String> sandboxIdOf,
      Function<Req, ToolCall> toolCall,
      Preparation<Req> prepare,
      ToLongFunction<Req> requestFileBytes,
      ToLongFunction<Resp> responseFileBytes) {
    return new Route<>(
        target,
        sandboxIdOf,
        first -> List.of(toolCall.apply(first)),
        prepare,
        sandbox -> Optional.empty(),
        StreamKind.FILE,
        requestFileBytes,
        responseFileBytes);
  }
}
