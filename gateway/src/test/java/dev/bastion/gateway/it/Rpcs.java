package dev.bastion.gateway.it;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.bastion.api.v1.ContextsGrpcService;
import dev.bastion.api.v1.FilesGrpcService;
import dev.bastion.api.v1.ProcessesGrpcService;
import dev.bastion.api.v1.SandboxesGrpcService;
import java.util.List;

/**
 * Every RPC of the public API, read from the generated service descriptors, so a method added to a
 * .proto file is attacked without anyone listing it here.
 */
final class Rpcs {

  static final List<ServiceDescriptor> SERVICES =
      List.of(
          SandboxesGrpcService.SERVICE_DESCRIPTOR,
          ProcessesGrpcService.SERVICE_DESCRIPTOR,
          FilesGrpcService.SERVICE_DESCRIPTOR,
          ContextsGrpcService.SERVICE_DESCRIPTOR);

  private Rpcs() {}

  /** Every method of the four services. */
  static List<MethodDescriptor> all() {
    return SERVICES.stream().flatMap(s -> s.getMethods().stream()).toList();
  }

  /** The methods whose request names a sandbox. */
  static List<MethodDescriptor> onASandbox() {
    return all().stream().filter(m -> sandboxIdHolder(m.getInputType()) != null).toList();
  }

  /** {@code bastion.v1.Files/Read} for Files.Read. */
  static String fullName(MethodDescriptor method) {
    return method.getService().getFullName() + "/" + method.getName();
  }

  static io.grpc.MethodDescriptor.MethodType type(MethodDescriptor method) {
    if (method.isClientStreaming()) {
      return method.isServerStreaming()
          ? io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING
          : io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING;
    }
    return method.isServerStreaming()
        ? io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING
        : io.grpc.MethodDescriptor.MethodType.UNARY;
  }

  /**
   * A first request for {@code method} on {@code sandboxId} that gets past validation: the sandbox
   * id where the message (or the message in its first oneof, like Exec's start or Write's header)
   * takes one, argv {@code true}, a workspace path, signal 15 to pid 1, the cell {@code 1+1}.
   */
  static DynamicMessage requestFor(MethodDescriptor method, String sandboxId) {
    Descriptor type = method.getInputType();
    FieldDescriptor holder = sandboxIdHolder(type);
    if (holder == null) {
      return filled(type, sandboxId);
    }
    if (holder.getName().equals("sandbox_id")) {
      return filled(type, sandboxId);
    }
    return DynamicMessage.newBuilder(type)
        .setField(holder, filled(holder.getMessageType(), sandboxId))
        .build();
  }

  /**
   * The field that carries the sandbox id: {@code sandbox_id} itself, or the message field that
   * holds it one level down; null when the method names no sandbox (Create, List).
   */
  static FieldDescriptor sandboxIdHolder(Descriptor type) {
    FieldDescriptor direct = type.findFieldByName("sandbox_id");
    if (direct != null) {
      return direct;
    }
    return type.getFields().stream()
        .filter(f -> f.getJavaType() == FieldDescriptor.JavaType.MESSAGE)
        .filter(f -> f.getMessageType().findFieldByName("sandbox_id") != null)
        .findFirst()
        .orElse(null);
  }

  private static DynamicMessage filled(Descriptor type, String sandboxId) {
    DynamicMessage.Builder message = DynamicMessage.newBuilder(type);
    for (FieldDescriptor field : type.getFields()) {
      switch (field.getName()) {
        case "sandbox_id" -> message.setField(field, sandboxId);
        case "argv" -> message.addRepeatedField(field, "true");
        case "path", "source" -> message.setField(field, "/workspace/probe.txt");
        case "destination" -> message.setField(field, "/workspace/probe-moved.txt");
        case "pid" -> message.setField(field, 1);
        case "signal" -> message.setField(field, 15);
        case "code" -> message.setField(field, "1+1");
        default -> {}
      }
    }
    return message.build();
  }
}
