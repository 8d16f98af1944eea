package dev.bastion.controller.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The YAML files under the repository's deploy/ directory, read as plain trees. */
final class DeployDirectory {

  /** The repository, seen from the module Maven runs the tests in. */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  static final Path DEPLOY = ROOT.resolve("deploy");
  static final Path CRDS = DEPLOY.resolve("crds");

  /** What kustomize reads in a directory; such files configure kustomize, not the cluster. */
  static final String KUSTOMIZATION = "kustomization.yaml";

  // kubectl refuses a duplicated key, so a file that has one must fail here too.
  private static final LoadSettings SETTINGS =
      LoadSettings.builder().setAllowDuplicateKeys(false).build();

  /** One YAML document of a file. */
  record Document(Path file, Map<?, ?> tree) {

    String apiVersion() {
      return String.valueOf(tree.get("apiVersion"));
    }

    String kind() {
      return String.valueOf(tree.get("kind"));
    }

    /** The API group: the part of apiVersion before the slash, empty for the core group. */
    String group() {
      String apiVersion = apiVersion();
      int slash = apiVersion.indexOf('/');
      return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    String version() {
      String apiVersion = apiVersion();
      return apiVersion.substring(apiVersion.indexOf('/') + 1);
    }

    /** Where the document came from, for assertion messages. */
    String describe() {
      Object metadata = tree.get("metadata");
      Object name = metadata instanceof Map<?, ?> fields ? fields.get("name") : null;
      return kind() + " " + name + " in " + ROOT.relativize(file);
    }
  }

  private DeployDirectory() {}

  /** Every .yaml and .yml file under deploy/, in a stable order. */
  static List<Path> yamlFiles() {
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      return files.filter(DeployDirectory::isYaml).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The kustomization.yaml files under deploy/. */
  static List<Path> kustomizations() {
    return yamlFiles().stream()
        .filter(file -> file.getFileName().toString().equals(KUSTOMIZATION))
        .toList();
  }

  /** The non-empty documents of {@code file}, each of which must be a mapping. */
  static List<Document> documents(Path file) {
    List<Document> documents = new ArrayList<>();
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Object tree : new Load(SETTINGS).loadAllFromString(text)) {
      if (tree == null) {
        continue;
      }
      if (!(tree instanceof Map<?, ?> fields)) {
        throw new IllegalStateException(
            ROOT.relativize(file) + ": a document is not a mapping but " + tree);
      }
      documents.add(new Document(file, fields));
    }
    return documents;
  }

  /** The Kubernetes objects under deploy/: every document but the kustomization files. */
  static List<Document> objects() {
    return yamlFiles().stream()
        .filter(file -> !file.getFileName().toString().equals(KUSTOMIZATION))
        .flatMap(file -> documents(file).stream())
        .toList();
  }

  /** The value at {@code keys} in nested mappings, or null where one is missing. */
  static Object at(Object tree, String... keys) {
    Object value = tree;
    for (String key : keys) {
      if (!(value instanceof Map<?, ?> map)) {
        return null;
      }
      value = map.get(key);
    }
    return value;
  }

  /** The list at {@code keys}, empty when absent. */
  static List<?> listAt(Object tree, String... keys) {
    return at(tree, keys) instanceof List<?> list ? list : List.of();
  }

  /** Every value of key {@code key} anywhere in {@code tree}. */
  static List<Object> valuesOf(Object tree, String key) {
    List<Object> values = new ArrayList<>();
    if (tree instanceof Map<?, ?> map) {
      map.forEach(
          (name, value) -> {
            if (Objects.equals(name, key)) {
              values.add(value);
            }
            values.addAll(valuesOf(value, key));
          });
    } else if (tree instanceof List<?> list) {
      list.forEach(item -> values.addAll(valuesOf(item, key)));
    }
    return values;
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }
}
