package dev.bastion.loadtest.bench;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;

/**
 * One RPC of the Bastion API as the driver calls it: its descriptor, and a client method that sends
 * and receives {@link DynamicMessage}s of its types, so any RPC can be called from JSON.
 */
record BenchMethod(
    MethodDescriptor descriptor, ServiceMethod<DynamicMessage, DynamicMessage> serviceMethod) {

  static BenchMethod of(MethodDescriptor descriptor) {
    return new BenchMethod(
        descriptor,
        ServiceMethod.client(
            ServiceName.create(descriptor.getService().getFullName()),
            descriptor.getName(),
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(
                DynamicMessage.getDefaultInstance(descriptor.getOutputType()))));
  }

  /** {@code bastion.v1.Processes/Run}, the way ghz and grpcurl name a method. */
  String fullName() {
    return descriptor.getService().getFullName() + "/" + descriptor.getName();
  }

  boolean clientStreaming() {
    return descriptor.isClientStreaming();
  }

  boolean serverStreaming() {
    return descriptor.isServerStreaming();
  }
}
