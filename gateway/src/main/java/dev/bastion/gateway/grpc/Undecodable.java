package dev.bastion.gateway.grpc;

import dev.bastion.gateway.status.CallStatus;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.StatusException;

/**
 * Request messages that are not valid protobuf. Vert.x's gRPC server answers them by resetting the
 * stream, which a client sees as CANCELLED, as if it had cancelled the call itself. Methods served
 * through {@link #asNull} hand the handler null instead, so it can answer INVALID_ARGUMENT.
 */
final class Undecodable {

  private Undecodable() {}

  /** {@code method}, with a decoder that gives null for a message it cannot decode. */
  static <Req, Resp> ServiceMethod<Req, Resp> asNull(ServiceMethod<Req, Resp> method) {
    GrpcMessageDecoder<Req> strict = method.decoder();
    GrpcMessageDecoder<Req> lenient =
        new GrpcMessageDecoder<>() {
          @Override
          public Req decode(GrpcMessage message) {
            try {
              return strict.decode(message);
            } catch (CodecException e) {
              return null;
            }
          }

          @Override
          public boolean accepts(WireFormat format) {
            return strict.accepts(format);
          }
        };
    return ServiceMethod.server(
        method.serviceName(), method.methodName(), method.encoder(), lenient);
  }

  /** The status for a request message that {@link #asNull} could not decode. */
  static StatusException status(GrpcServerRequest<?, ?> request) {
    return CallStatus.invalid("the request to " + methodOf(request) + " is not a valid message");
  }

  /** {@code bastion.v1.Files/Read}. */
  static String methodOf(GrpcServerRequest<?, ?> request) {
    return request.serviceName().fullyQualifiedName() + "/" + request.methodName();
  }
}
