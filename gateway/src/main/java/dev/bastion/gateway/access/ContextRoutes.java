package dev.bastion.gateway.access;

import dev.bastion.api.v1.CodeContext;
import dev.bastion.api.v1.CodeEvent;
import dev.bastion.api.v1.ContextRequest;
import dev.bastion.api.v1.ContextsGrpcClient;
import dev.bastion.api.v1.CreateContextRequest;
import dev.bastion.api.v1.DeleteContextResponse;
import dev.bastion.api.v1.ListContextsRequest;
import dev.bastion.api.v1.ListContextsResponse;
import dev.bastion.api.v1.RunCodeRequest;
import dev.bastion.controller.policy.ToolCall;
import dev.bastion.gateway.metrics.StreamKind;
import java.util.Optional;

/**
 * The routes of the Contexts methods, shared by the gRPC front end, which forwards them, and the
 * gateway's own calls (MCP tools, the console), which make them. A cell is a process call: it holds
 * one of the tenant's maxConcurrentExecs while it runs, and its timeout is held to maxExecSeconds.
 */
public final class ContextRoutes {

  private ContextRoutes() {}

  /** Making a context, decided as the tool {@code tool} with its language. */
  public static Route<CreateContextRequest, CodeContext> create(String tool) {
    return Route.plain(
        ContextsGrpcClient.Create,
        CreateContextRequest::getSandboxId,
        request -> ToolCall.code(tool, request.getLanguage(), ""));
  }

  /**
   * Running a cell, decided as the tool {@code tool} with its code and language.
   *
   * @param defaultTimeoutSeconds the timeout of a cell that asks for none (0: sandboxd's default),
   *     lowered to maxExecSeconds where a policy sets it
   */
  public static Route<RunCodeRequest, CodeEvent> runCode(String tool, long defaultTimeoutSeconds) {
    return Route.process(
        ContextsGrpcClient.RunCode,
        RunCodeRequest::getSandboxId,
        request -> ToolCall.code(tool, request.getLanguage(), request.getCode()),
        (sandbox, limits, request) ->
            request.toBuilder()
                .setTimeoutSeconds(
                    RequestLimits.timeoutSeconds(
                        request.getTimeoutSeconds(), defaultTimeoutSeconds, limits))
                .build(),
        sandbox -> Optional.empty(),
        StreamKind.EXEC,
        request -> request.getCode().length(),
        ContextRoutes::outputBytes);
  }

  public static Route<ContextRequest, CodeContext> interrupt() {
    return Route.plain(
        ContextsGrpcClient.Interrupt,
        ContextRequest::getSandboxId,
        request -> ToolCall.of("context.interrupt"));
  }

  /** Restarting a context, decided as the tool {@code tool}. */
  public static Route<ContextRequest, CodeContext> restart(String tool) {
    return Route.plain(
        ContextsGrpcClient.Restart, ContextRequest::getSandboxId, request -> ToolCall.of(tool));
  }

  public static Route<ContextRequest, DeleteContextResponse> delete() {
    return Route.plain(
        ContextsGrpcClient.Delete,
        ContextRequest::getSandboxId,
        request -> ToolCall.of("context.delete"));
  }

  public static Route<ListContextsRequest, ListContextsResponse> list() {
    return Route.plain(
        ContextsGrpcClient.List,
        ListContextsRequest::getSandboxId,
        request -> ToolCall.of("context.list"));
  }

  /** What a cell's event carries for the metrics: its output and results, as characters. */
  private static long outputBytes(CodeEvent event) {
    return switch (event.getEventCase()) {
      case STDOUT -> event.getStdout().length();
      case STDERR -> event.getStderr().length();
      case RESULT ->
          event.getResult().getDataMap().values().stream().mapToLong(String::length).sum();
      default -> 0;
    };
  }
}
