package dev.bastion.gateway.it;

import com.google.protobuf.Descriptors.MethodDescriptor;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls of any shape through grpc-java with the request messages as raw bytes, so a test can send
 * what no generated stub would: garbage, truncated or oversized encodings, no message at all.
 */
final class ByteCalls {

  private static final io.grpc.MethodDescriptor.Marshaller<byte[]> BYTES =
      new io.grpc.MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /**
   * How a call ended.
   *
   * @param status its status
   * @param answered whether the server spoke (headers or a status) before the client's deadline
   * @param responses how many response messages arrived
   * @param responseBytes their total size
   */
  record Outcome(Status status, boolean answered, long responses, long responseBytes) {
    @Override
    public String toString() {
      return status.getCode()
          + (status.getDescription() == null ? "" : " \"" + status.getDescription() + "\"")
          + (answered ? "" : " (no answer)")
          + ", "
          + responses
          + " responses";
    }
  }

  private ByteCalls() {}

  static io.grpc.MethodDescriptor<byte[], byte[]> method(MethodDescriptor method) {
    return io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
        .setFullMethodName(Rpcs.fullName(method))
        .setType(Rpcs.type(method))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /**
   * Sends {@code requests}, half-closes and reads every response until the call ends or {@code
   * deadline} passes.
   */
  static Outcome call(
      Channel channel, MethodDescriptor method, List<byte[]> requests, Duration deadline) {
    ClientCall<byte[], byte[]> call =
        channel.newCall(
            method(method),
            CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    AtomicBoolean headers = new AtomicBoolean();
    AtomicLong responses = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onHeaders(Metadata metadata) {
            headers.set(true);
          }

          @Override
          public void onMessage(byte[] message) {
            responses.incrementAndGet();
            bytes.addAndGet(message.length);
            call.request(1);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(1);
    requests.forEach(call::sendMessage);
    call.halfClose();
    Status status = closed.join();
    // A deadline the client enforced is the only status the server did not send.
    boolean clientGaveUp = status.getCode() == Status.Code.DEADLINE_EXCEEDED && !headers.get();
    return new Outcome(status, !clientGaveUp, responses.get(), bytes.get());
  }
}
