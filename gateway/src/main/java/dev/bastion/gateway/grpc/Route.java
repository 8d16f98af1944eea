package dev.bastion.gateway.grpc;

import dev.bastion.controller.sandbox.SandboxView;
import io.vertx.grpc.common.ServiceMethod;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How one method is forwarded to sandboxd.
 *
 * @param target the same method on sandboxd
 * @param sandboxIdOf finds the sandbox id in the first request message (or throws a status)
 * @param prepare adjusts the first message for the sandbox, e.g. adds its environment
 * @param onOutOfMemory the last message to send when the sandbox was stopped for running out of
 *     memory mid-call; empty where the method has no way to say so
 */
record Route<Req, Resp>(
    ServiceMethod<Resp, Req> target,
    Function<Req, String> sandboxIdOf,
    BiFunction<SandboxView, Req, Req> prepare,
    Function<SandboxView, Optional<Resp>> onOutOfMemory) {

  /** A route that forwards the first message unchanged and has no out-of-memory answer. */
  static <Req, Resp> Route<Req, Resp> plain(
      ServiceMethod<Resp, Req> target, Function<Req, String> sandboxIdOf) {
    return new Route<>(target, sandboxIdOf, (record, first) -> first, record -> Optional.empty());
  }
}
