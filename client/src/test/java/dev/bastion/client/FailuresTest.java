package dev.bastion.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.client.BastionException.Code;
import io.vertx.core.http.HttpClosedException;
import io.vertx.grpc.common.GrpcError;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import java.net.ConnectException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void everyGrpcStatusButOkHasTheCodeOfItsName() {
    Arrays.stream(GrpcStatus.values())
        .filter(status -> status != GrpcStatus.OK)
        .forEach(status -> assertThat(Failures.code(status).name()).isEqualTo(status.name()));
    assertThat(Code.values()).hasSize(GrpcStatus.values().length - 1);
  }

  @Test
  void aStatusKeepsTheServersMessage() {
    BastionException denied =
        Failures.of(
            new StatusFailure(
                GrpcStatus.PERMISSION_DENIED,
                "denied by rule no-network-tools of ToolPolicy agents: network tools are not"
                    + " allowed"));
    assertThat(denied.code()).isEqualTo(Code.PERMISSION_DENIED);
    assertThat(denied.description())
        .isEqualTo(
            "denied by rule no-network-tools of ToolPolicy agents: network tools are not allowed");
    assertThat(denied.getMessage())
        .startsWith("PERMISSION_DENIED: denied by rule no-network-tools");
  }

  @Test
  void aStatusWithoutAMessageIsItsCodeAlone() {
    assertThat(Failures.of(new StatusFailure(GrpcStatus.NOT_FOUND, "")).getMessage())
        .isEqualTo("NOT_FOUND");
  }

  @Test
  void aResetCallHasTheStatusOfItsResetCode() {
    BastionException reset =
        Failures.of(new GrpcErrorException(GrpcError.CANCELLED, GrpcStatus.CANCELLED));
    assertThat(reset.code()).isEqualTo(Code.CANCELLED);
  }

  @Test
  void aLostConnectionIsUnavailable() {
    assertThat(Failures.of(new ConnectException("Connection refused")).code())
        .isEqualTo(Code.UNAVAILABLE);
    BastionException closed = Failures.of(new HttpClosedException("Connection was closed"));
    assertThat(closed.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(closed.getMessage()).contains("Connection was closed");
  }

  @Test
  void anythingElseIsUnknownWithItsCause() {
    IllegalStateException odd = new IllegalStateException("odd");
    BastionException unknown = Failures.of(odd);
    assertThat(unknown.code()).isEqualTo(Code.UNKNOWN);
    assertThat(unknown).hasCause(odd).hasMessageContaining("odd");
  }

  @Test
  void aBastionExceptionStaysAsItIs() {
    BastionException known = new BastionException(Code.INTERNAL, "x");
    assertThat(Failures.of(known)).isSameAs(known);
  }
}
