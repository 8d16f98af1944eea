package dev.bastion.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.RunRequest;
import dev.bastion.api.v1.WriteFileRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Call data and metadata, from JSON templates to the messages a call sends. */
class PayloadTest {

  private static final BenchMethod RUN = MethodCatalog.resolve("bastion.v1.Processes/Run");
  private static final BenchMethod EXEC = MethodCatalog.resolve("bastion.v1.Processes/Exec");
  private static final BenchMethod WRITE = MethodCatalog.resolve("bastion.v1.Files/Write");
  private static final Function<String, String> ENV = Map.of("TOKEN", "s3cret")::get;

  private static CallData call(BenchMethod method, long number) {
    return new CallData(
        "g3c1",
        number,
        "sbx-" + number % 2,
        method,
        Instant.parse("2026-11-27T10:15:30.123456789Z"),
        UUID.fromString("3974e7b3-5946-4df5-bed3-8c3dc9a0be19"));
  }

  private static String render(String template, BenchMethod method, long number) {
    return CallTemplate.parse(template, "-d", ENV).render(call(method, number));
  }

  @Test
  void callDataFieldsAreGhzsPlusTheSandbox() {
    assertThat(render("{{.RequestNumber}} {{ .WorkerID }} {{.SandboxID}}", RUN, 7))
        .isEqualTo("7 g3c1 sbx-1");
    assertThat(render("{{.FullyQualifiedName}} {{.ServiceName}} {{.MethodName}}", RUN, 0))
        .isEqualTo("bastion.v1.Processes.Run Processes Run");
    assertThat(render("{{.InputName}} {{.OutputName}}", RUN, 0)).isEqualTo("RunRequest RunResult");
    assertThat(render("{{.IsClientStreaming}} {{.IsServerStreaming}}", EXEC, 0))
        .isEqualTo("true true");
    assertThat(render("{{.Timestamp}} {{.TimestampUnix}}", RUN, 0))
        .isEqualTo("2026-11-27T10:15:30Z 1795774530");
    assertThat(render("{{.TimestampUnixMilli}} {{.TimestampUnixNano}}", RUN, 0))
        .isEqualTo("1795774530123 1795774530123456789");
    assertThat(render("{{.UUID}}", RUN, 0)).isEqualTo("3974e7b3-5946-4df5-bed3-8c3dc9a0be19");
  }

  @Test
  void functionsAreGhzsAndSprigsEnv() {
    assertThat(render("{{newUUID}}", RUN, 0)).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-.*");
    assertThat(render("{{randomString 8}}", RUN, 0)).matches("[a-zA-Z0-9]{8}");
    assertThat(render("{{randomString 0}}", RUN, 0)).matches("[a-zA-Z0-9]{2,16}");
    assertThat(Integer.parseInt(render("{{randomInt 5 7}}", RUN, 0))).isBetween(5, 6);
    // The three ways to quote a name: in a shell, inside a JSON string, and ghz's config files.
    assertThat(render("{{env \"TOKEN\"}} {{env \\\"TOKEN\\\"}} {{ env `TOKEN` }}", RUN, 0))
        .isEqualTo("s3cret s3cret s3cret");
  }

  @Test
  void aTemplateThatCannotWorkIsRefusedUpFront() {
    assertThatThrownBy(() -> CallTemplate.parse("{{.Nope}}", "-d", ENV))
        .hasMessageStartingWith(
            "-d: unknown template field {{.Nope}} (known: .FullyQualifiedName,");
    assertThatThrownBy(() -> CallTemplate.parse("{{printf \"%d\" 1}}", "-m", ENV))
        .hasMessage("-m: unknown template action {{printf \"%d\" 1}}");
    assertThatThrownBy(() -> CallTemplate.parse("{{env `UNSET`}}", "-m", ENV))
        .hasMessage("-m: environment variable UNSET is not set ({{env `UNSET`}})");
    assertThatThrownBy(() -> CallTemplate.parse("{\"a\":\"{{.RequestNumber\"}", "-d", ENV))
        .hasMessageStartingWith("-d: unclosed template action");
  }

  @Test
  void onlyTemplatesThatChangeAreRenderedForEveryCall() {
    assertThat(CallTemplate.parse("{\"a\":1}", "-d", ENV).isConstant()).isTrue();
    assertThat(CallTemplate.parse("{\"a\":\"{{env `TOKEN`}}\"}", "-d", ENV).isConstant()).isTrue();
    assertThat(CallTemplate.parse("{\"a\":{{.RequestNumber}}}", "-d", ENV).isConstant()).isFalse();
  }

  @Test
  void aUnaryCallTakesTheElementsOfAnArrayInTurn() throws InvalidProtocolBufferException {
    Payload payload =
        Payload.compile(
            RUN,
            "[{\"argv\":[\"a\"]},{\"argv\":[\"b\"]},{\"sandbox_id\":\"{{.SandboxID}}\"}]",
            "{}",
            Map.of(),
            ENV);

    assertThat(run(payload, 0).getArgvList()).containsExactly("a");
    assertThat(run(payload, 1).getArgvList()).containsExactly("b");
    assertThat(run(payload, 2).getSandboxId()).isEqualTo("sbx-0");
    assertThat(run(payload, 3).getArgvList()).containsExactly("a");
  }

  @Test
  void aClientStreamSendsTheWholeArray() throws InvalidProtocolBufferException {
    Payload payload =
        Payload.compile(
            WRITE,
            "[{\"header\":{\"sandbox_id\":\"{{.SandboxID}}\",\"path\":\"f-{{.RequestNumber}}\"}},"
                + "{\"data\":\"aGVsbG8=\"}]",
            "{}",
            Map.of(),
            ENV);

    List<DynamicMessage> messages = payload.messages(call(WRITE, 5));

    assertThat(messages).hasSize(2);
    WriteFileRequest header = WriteFileRequest.parseFrom(messages.get(0).toByteString());
    WriteFileRequest data = WriteFileRequest.parseFrom(messages.get(1).toByteString());
    assertThat(header.getHeader().getSandboxId()).isEqualTo("sbx-1");
    assertThat(header.getHeader().getPath()).isEqualTo("f-5");
    assertThat(data.getData().toStringUtf8()).isEqualTo("hello");
  }

  @Test
  void aBidiCallBuildsItsOneofsFromJson() throws InvalidProtocolBufferException {
    Payload payload =
        Payload.compile(
            EXEC,
            "[{\"start\":{\"argv\":[\"cat\"],\"stdin\":true}},{\"stdin\":\"aGkK\"},{\"eof\":true}]",
            "{}",
            Map.of(),
            ENV);

    List<DynamicMessage> messages = payload.messages(call(EXEC, 0));

    assertThat(messages).hasSize(3);
    assertThat(ExecRequest.parseFrom(messages.get(0).toByteString()).getStart().getStdin())
        .isTrue();
    assertThat(ExecRequest.parseFrom(messages.get(1).toByteString()).getStdin().toStringUtf8())
        .isEqualTo("hi\n");
    assertThat(ExecRequest.parseFrom(messages.get(2).toByteString()).getEof()).isTrue();
  }

  @Test
  void metadataIsRenderedAndLowerCased() {
    Payload payload =
        Payload.compile(
            RUN,
            "{}",
            "{\"Authorization\":\"Bearer {{env `TOKEN`}}\",\"x-request\":\"{{.RequestNumber}}\"}",
            Map.of("authorization", "Bearer default", "x-other", "kept"),
            ENV);

    assertThat(payload.metadata(call(RUN, 9)))
        .containsOnly(
            Map.entry("authorization", "Bearer s3cret"),
            Map.entry("x-request", "9"),
            Map.entry("x-other", "kept"));
  }

  @Test
  void dataThatIsNotTheRequestIsRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> Payload.compile(RUN, "{\"nope\":1}", "{}", Map.of(), ENV))
        .hasMessageStartingWith("-d is not a bastion.v1.RunRequest: ")
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> Payload.compile(RUN, "[]", "{}", Map.of(), ENV))
        .hasMessage("-d must be a JSON object or a non-empty array of them");
    assertThatThrownBy(() -> Payload.compile(RUN, "[1]", "{}", Map.of(), ENV))
        .hasMessage("-d: every element of the array must be an object");
    assertThatThrownBy(() -> Payload.compile(RUN, "{}", "{\"a\":1}", Map.of(), ENV))
        .hasMessage("-m: the value of a is not a string");
  }

  private static RunRequest run(Payload payload, long number)
      throws InvalidProtocolBufferException {
    List<DynamicMessage> messages = payload.messages(call(RUN, number));
    assertThat(messages).hasSize(1);
    return RunRequest.parseFrom(messages.getFirst().toByteString());
  }
}
