package dev.bastion.controller.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.bastion.controller.embedded.DefaultResources;
import dev.bastion.controller.embedded.LocalPodTemplate;
import dev.bastion.controller.model.Manifests;
import dev.bastion.controller.model.PodShape;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.runtime.RuntimeKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every template and sandbox Bastion ships scores 100% and still runs in embedded mode: the default
 * template {@code serve} installs, and the manifests in the docs and deploy/.
 */
class ShippedTemplatesTest {

  private static final Pattern YAML_BLOCK = Pattern.compile("(?s)```ya?ml\\n(.*?)```");
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---.*$");
  private static final Pattern GRADED_KIND =
      Pattern.compile("(?m)^kind: (SandboxTemplate|Sandbox)\\s*$");

  // The repository, seen from the module Maven runs the test in.
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void theDefaultTemplateScoresFullMarks() {
    SandboxTemplate python = defaultTemplate(RuntimeKind.GVISOR);

    HardeningReport report = HardeningAudit.grade(python).orElseThrow();

    assertThat(report.score()).isEqualTo(100);
    assertThat(report.grade()).isEqualTo(Grade.A);
  }

  // crun shares the host's kernel; the audit says so rather than grading it as isolated.
  @Test
  void onCrunTheDefaultTemplateLosesTheRuntimeCheckOnly() {
    HardeningReport report = HardeningAudit.grade(defaultTemplate(RuntimeKind.CRUN)).orElseThrow();

    assertThat(report.results())
        .filteredOn(result -> result.verdict() instanceof Verdict.Fail)
        .extracting(result -> result.check().id())
        .containsExactly("runtime-class");
    assertThat(report.score()).isEqualTo(85);
  }

  @Test
  void theTemplatesAndSandboxesInTheDocsAndDeployScoreFullMarksAndRunHere() throws IOException {
    assertThat(ROOT.resolve("README.md")).exists();
    List<HasMetadata> shipped = new ArrayList<>();
    for (String document : documents()) {
      shipped.addAll(Manifests.parse(document));
    }

    assertThat(shipped).isNotEmpty();
    for (HasMetadata object : shipped) {
      String name = object.getKind() + " " + object.getMetadata().getName();
      assertThat(HardeningAudit.grade(object).orElseThrow().score()).as(name).isEqualTo(100);
      assertThatCode(() -> LocalPodTemplate.map(shape(object), RuntimeKind.GVISOR, 2))
          .as(name)
          .doesNotThrowAnyException();
    }
  }

  private static SandboxTemplate defaultTemplate(RuntimeKind runtime) {
    SandboxTemplate python =
        DefaultResources.objects(runtime, 2).stream()
            .filter(SandboxTemplate.class::isInstance)
            .map(SandboxTemplate.class::cast)
            .findFirst()
            .orElseThrow();
    assertThatCode(() -> LocalPodTemplate.map(python.getSpec(), runtime, 2))
        .doesNotThrowAnyException();
    return python;
  }

  // The templates and sandboxes among the YAML files under deploy/ and the YAML blocks of the
  // README and docs/, one document each: the files may hold kinds Bastion does not parse.
  private static List<String> documents() throws IOException {
    List<String> manifests = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT.resolve("deploy"))) {
      for (Path file : files.filter(ShippedTemplatesTest::isYaml).toList()) {
        manifests.add(Files.readString(file));
      }
    }
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(file -> file.toString().endsWith(".md")).forEach(pages::add);
    }
    for (Path page : pages) {
      Matcher block = YAML_BLOCK.matcher(Files.readString(page));
      while (block.find()) {
        manifests.add(block.group(1));
      }
    }
    return manifests.stream()
        .flatMap(DOCUMENT_SEPARATOR::splitAsStream)
        .filter(document -> GRADED_KIND.matcher(document).find())
        .toList();
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static PodShape shape(HasMetadata object) {
    return object instanceof Sandbox sandbox
        ? sandbox.getSpec()
        : ((SandboxTemplate) object).getSpec();
  }
}
