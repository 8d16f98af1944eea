package dev.bastion.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product, {@code target/bastion.jar} as the build shades it, holds no test code: no class of
 * any module's test sources, no mock server or test library, and no shipped class that needs one
 * that is not shipped. Run by the build after the package phase (surefire's {@code shaded-jar}
 * execution), since the jar does not exist before.
 */
class ShadedJarTest {

  /** The checkout: every module's test classes are under its {@code target/test-classes}. */
  private static final Path REPO = Path.of("").toAbsolutePath().getParent();

  /** Packages of test tools: mock API and HTTP servers, test frameworks. */
  private static final List<String> TEST_TOOLS =
      List.of(
          "io/fabric8/kubernetes/client/server/mock/",
          "io/fabric8/mockwebserver/",
          "okhttp3/mockwebserver/",
          "org/junit/",
          "org/assertj/",
          "org/testcontainers/",
          "com/tngtech/archunit/");

  private static Set<String> entries;

  @BeforeAll
  static void readJar() throws IOException {
    try (JarFile jar = new JarFile(jarPath().toFile())) {
      entries = jar.stream().map(JarEntry::getName).collect(Collectors.toSet());
    }
  }

  @Test
  void shipsTheLoadDriver() {
    // Also proves this test reads the real jar: `bastion bench` is in it.
    assertThat(entries).contains("dev/bastion/loadtest/bench/BenchCommand.class");
  }

  @Test
  void holdsNoClassOfAnyModulesTestSources() throws IOException {
    Set<String> testClasses = new TreeSet<>();
    try (Stream<Path> modules = Files.list(REPO)) {
      for (Path dir : modules.map(m -> m.resolve("target/test-classes")).toList()) {
        if (Files.isDirectory(dir)) {
          try (Stream<Path> files = Files.walk(dir)) {
            files
                .filter(f -> f.toString().endsWith(".class"))
                .map(f -> dir.relativize(f).toString())
                .forEach(testClasses::add);
          }
        }
      }
    }
    assertThat(testClasses).as("the modules' test classes").isNotEmpty();
    testClasses.retainAll(entries);
    assertThat(testClasses).as("test classes in the jar").isEmpty();
  }

  @Test
  void holdsNoMockServerNorTestLibrary() {
    assertThat(entries.stream().filter(e -> TEST_TOOLS.stream().anyMatch(e::startsWith))).isEmpty();
  }

  @Test
  void everyBastionClassAShippedClassNeedsIsShipped() throws IOException {
    JavaClasses shipped;
    try (JarFile jar = new JarFile(jarPath().toFile())) {
      shipped =
          new ClassFileImporter()
              .withImportOption(location -> location.contains("/dev/bastion/"))
              .importJar(jar);
    }
    // A main class that uses a test fixture (as the Kubernetes claim benchmark once did) is shipped
    // while the fixture is not, when the fixture reaches the gateway at test scope only.
    Set<String> missing =
        shipped.stream()
            .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
            .map(d -> d.getTargetClass().getBaseComponentType())
            .map(JavaClass::getName)
            .filter(name -> name.startsWith("dev.bastion.") && !shipped.contain(name))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(missing).isEmpty();
  }

  private static Path jarPath() {
    String jar = System.getProperty("bastion.jar");
    assertThat(jar).as("system property bastion.jar (set by the build)").isNotNull();
    return Path.of(jar);
  }
}
