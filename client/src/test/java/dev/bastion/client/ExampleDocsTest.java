package dev.bastion.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example the package documentation and the README show is the one GettingStartedIT runs: the
 * lines between {@code // @start region=example} and {@code // @end} of GettingStarted, as they
 * stand there.
 */
class ExampleDocsTest {

  // Surefire runs in the module's directory.
  private static final Path EXAMPLE =
      Path.of("src/test/java/dev/bastion/client/examples/GettingStarted.java");
  private static final Path PACKAGE_INFO =
      Path.of("src/main/java/dev/bastion/client/package-info.java");
  private static final Path README = Path.of("../README.md");

  @Test
  void thePackageDocumentationShowsTheTestedExample() throws IOException {
    List<String> javadoc =
        between(Files.readAllLines(PACKAGE_INFO), " * {@snippet lang=java :", " * }").stream()
            .map(line -> line.equals(" *") ? "" : line.substring(" * ".length()))
            .toList();
    assertThat(javadoc).isEqualTo(example());
  }

  @Test
  void theReadmeShowsTheTestedExample() throws IOException {
    List<String> readme = Files.readAllLines(README);
    List<String> section = readme.subList(readme.indexOf("## Java SDK"), readme.size());
    List<String> block = between(section, "```java", "```");
    assertThat(Collections.indexOfSubList(block, example()))
        .as("the README's Java SDK example holds GettingStarted's lines:\n%s", block)
        .isNotNegative();
  }

  private static List<String> example() throws IOException {
    List<String> region =
        between(Files.readAllLines(EXAMPLE), "    // @start region=example", "    // @end");
    int indent =
        region.stream()
            .filter(line -> !line.isBlank())
            .mapToInt(line -> line.length() - line.stripLeading().length())
            .min()
            .orElse(0);
    return region.stream().map(line -> line.isBlank() ? "" : line.substring(indent)).toList();
  }

  /** The lines after the first {@code start} and before the next {@code end}. */
  private static List<String> between(List<String> lines, String start, String end) {
    int from = lines.indexOf(start);
    assertThat(from).as("a line '%s'", start).isNotNegative();
    int to = lines.subList(from + 1, lines.size()).indexOf(end);
    assertThat(to).as("a line '%s' after '%s'", end, start).isNotNegative();
    return lines.subList(from + 1, from + 1 + to);
  }
}
