package dev.bastion.gateway;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.bastion.gateway.access.SandboxdClients;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;

/**
 * The layers between the modules, judged on the main classes of the modules this one's test
 * classpath holds (proto, controller, loadtest, gateway); sandboxd and the client judge themselves
 * ({@code SandboxdLayeringTest}, {@code ClientLayeringTest}). The API is {@code dev.bastion.api}
 * (module proto), which everyone may use.
 */
@AnalyzeClasses(packages = "dev.bastion", importOptions = LayeringTest.MainClasses.class)
class LayeringTest {

  @ArchTest
  static final ArchRule controllerKnowsNoGateway =
      noClasses()
          .that()
          .resideInAPackage("dev.bastion.controller..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.bastion.gateway..");

  /**
   * The Agent Sandbox kinds and the pure builders of desired state are plain values, tested without
   * a Vert.x or a cluster. Of the fabric8 client's packages they may use only what a custom
   * resource needs: {@link CustomResource} as their base class, and {@link
   * KubernetesSerialization}, the mapper that knows fabric8's model types (its polymorphic resource
   * mapping lives there and nowhere else). The annotations of the kinds ({@code
   * io.fabric8.kubernetes.model.annotation}) and the model ({@code
   * io.fabric8.kubernetes.api.model}) are not the client's.
   */
  @ArchTest
  static final ArchRule modelAndDesiredStateAreFreeOfVertxAndTheClient =
      noClasses()
          .that()
          .resideInAnyPackage("dev.bastion.controller.model..", "dev.bastion.controller.desired..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.vertx..")
                  .or(
                      resideInAPackage("io.fabric8.kubernetes.client..")
                          .and(
                              not(
                                  belongToAnyOf(
                                      CustomResource.class, KubernetesSerialization.class)))));

  /**
   * The gateway's front ends (gRPC, MCP, the console, terminals, the HTTP router) reach a sandbox's
   * sandboxd only through {@code gateway.access}, which admits every call before it opens a stream:
   * of the gRPC client they see only the streams of a call it admitted, never a client to open
   * their own.
   */
  @ArchTest
  static final ArchRule frontEndsReachSandboxdOnlyThroughAccess =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.bastion.gateway.grpc..",
              "dev.bastion.gateway.mcp..",
              "dev.bastion.gateway.console..",
              "dev.bastion.gateway.terminal..",
              "dev.bastion.gateway.http..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.vertx.grpc.client..")
                  .and(not(belongToAnyOf(GrpcClientRequest.class, GrpcClientResponse.class)))
                  .or(belongToAnyOf(SandboxdClients.class)));

  /** No two packages of a module need each other. */
  @ArchTest static final ArchRule noCyclesInTheApi = noCyclesIn("api");

  @ArchTest static final ArchRule noCyclesInTheController = noCyclesIn("controller");

  @ArchTest static final ArchRule noCyclesInTheGateway = noCyclesIn("gateway");

  /** The benchmarks sit on the load driver ({@code loadtest.bench}), never the reverse. */
  @ArchTest static final ArchRule noCyclesInTheLoadDriver = noCyclesIn("loadtest");

  /** Each package of the module, its root included, a slice: no two of them need each other. */
  private static ArchRule noCyclesIn(String module) {
    return slices()
        .matching("dev.bastion.(**)")
        .that(
            describe(
                "are in dev.bastion." + module,
                slice ->
                    slice.getNamePart(1).equals(module)
                        || slice.getNamePart(1).startsWith(module + ".")))
        .should()
        .beFreeOfCycles();
  }

  /** The modules' main classes: neither test classes nor the controller's test-jar. */
  static final class MainClasses implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return ImportOption.Predefined.DO_NOT_INCLUDE_TESTS.includes(location)
          && !location.contains("-tests.jar");
    }
  }
}
