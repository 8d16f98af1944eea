package dev.bastion.loadtest.bench;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.bastion.api.v1.ContextsGrpcService;
import dev.bastion.api.v1.FilesGrpcService;
import dev.bastion.api.v1.ProcessesGrpcService;
import dev.bastion.api.v1.SandboxesGrpcService;
import java.util.List;

/**
 * The RPCs the driver can call: every method of the four Bastion services, found through the
 * generated descriptors (no server reflection needed).
 */
final class MethodCatalog {

  private static final List<ServiceDescriptor> SERVICES =
      List.of(
          SandboxesGrpcService.SERVICE_DESCRIPTOR,
          ProcessesGrpcService.SERVICE_DESCRIPTOR,
          FilesGrpcService.SERVICE_DESCRIPTOR,
          ContextsGrpcService.SERVICE_DESCRIPTOR);

  private MethodCatalog() {}

  /**
   * The method named as ghz takes it: {@code package.Service/Method} or {@code
   * package.Service.Method}.
   *
   * @throws IllegalArgumentException naming the methods there are, when there is no such method
   */
  static BenchMethod resolve(String call) {
    String name = call.strip();
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    if (slash < 0 && dot > 0) {
      name = name.substring(0, dot) + "/" + name.substring(dot + 1);
    }
    for (ServiceDescriptor service : SERVICES) {
      for (MethodDescriptor method : service.getMethods()) {
        if ((service.getFullName() + "/" + method.getName()).equals(name)) {
          return BenchMethod.of(method);
        }
      }
    }
    throw new IllegalArgumentException(
        "--call: no method '" + call + "'; the methods are " + String.join(", ", names()));
  }

  static List<String> names() {
    return SERVICES.stream()
        .flatMap(
            service ->
                service.getMethods().stream()
                    .map(method -> service.getFullName() + "/" + method.getName()))
        .toList();
  }
}
