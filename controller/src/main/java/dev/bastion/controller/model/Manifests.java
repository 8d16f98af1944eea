package dev.bastion.controller.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import tools.jackson.core.JacksonException;

/**
 * Reads and writes the Agent Sandbox kinds as YAML manifests, the way {@code bastion apply -f}
 * takes them.
 *
 * <p>Reading is strict: an unknown field in Bastion's own classes, an unknown kind or a value of
 * the wrong type is an {@link InvalidManifestException} naming the document and the field. Fields
 * unknown to fabric8's Kubernetes classes (a PodSpec, say) are kept in their {@code
 * additionalProperties}; the layer that uses an object rejects what it cannot apply.
 */
public final class Manifests {

  /** Documents one call reads at most, so one request cannot make unbounded work. */
  public static final int MAX_DOCUMENTS = 100;

  /** Nesting of mappings and lists a document may have at most; real manifests need ~15. */
  public static final int MAX_DEPTH = 64;

  private static final LoadSettings SETTINGS =
      LoadSettings.builder().setAllowDuplicateKeys(false).build();

  private Manifests() {}

  /**
   * The objects in {@code yaml}, in order: documents separated by {@code ---}, empty ones skipped.
   *
   * @throws InvalidManifestException for the first document that cannot be read
   */
  public static List<HasMetadata> parse(String yaml) {
    checkShape(yaml);
    List<HasMetadata> objects = new ArrayList<>();
    Iterator<Object> documents = new Load(SETTINGS).loadAllFromString(yaml).iterator();
    for (int number = 1; ; number++) {
      Object tree;
      try {
        if (!documents.hasNext()) {
          return objects;
        }
        tree = documents.next();
      } catch (YamlEngineException e) {
        throw yamlError(number, e);
      }
      if (tree != null) {
        objects.add(bind(number, tree));
      }
    }
  }

  /** {@code object} as one YAML document (starting with {@code ---}). */
  public static String toYaml(HasMetadata object) {
    return ModelSerialization.get().asYaml(object);
  }

  // A first pass over the parser's events checks syntax, the document count, the depth and the
  // size once aliases are expanded before anything is built: building the tree is recursive, so a
  // hostile depth must be stopped first, and the tree holds every alias expanded.
  private static void checkShape(String yaml) {
    int documents = 0;
    int depth = 0;
    boolean inDocument = false;
    ExpandedSize expanded = new ExpandedSize();
    try {
      for (Event event : new Parse(SETTINGS).parseString(yaml)) {
        expanded.add(event, inDocument ? documents : documents + 1);
        switch (event.getEventId()) {
          case DocumentStart -> {
            documents++;
            inDocument = true;
            if (documents > MAX_DOCUMENTS) {
              throw new InvalidManifestException(
                  "more than " + MAX_DOCUMENTS + " documents: apply them in several parts");
            }
          }
          case DocumentEnd -> inDocument = false;
          case MappingStart, SequenceStart -> {
            if (++depth > MAX_DEPTH) {
              throw new InvalidManifestException(
                  "document "
                      + documents
                      + ": nested deeper than "
                      + MAX_DEPTH
                      + " levels"
                      + event.getStartMark().map(Manifests::at).orElse(""));
            }
          }
          case MappingEnd, SequenceEnd -> depth--;
          default -> {}
        }
      }
    } catch (YamlEngineException e) {
      throw yamlError(inDocument ? documents : documents + 1, e);
    }
  }

  private static HasMetadata bind(int number, Object tree) {
    String document = "document " + number;
    if (!(tree instanceof Map<?, ?> fields)) {
      throw new InvalidManifestException(
          document
              + ": expected a mapping with apiVersion and kind, got "
              + ManifestText.describe(tree));
    }
    if (!(fields.get("apiVersion") instanceof String apiVersion)
        || !(fields.get("kind") instanceof String kind)) {
      throw new InvalidManifestException(document + ": apiVersion and kind are required");
    }
    Class<? extends HasMetadata> type =
        ManifestKinds.find(apiVersion, kind)
            .orElseThrow(
                () ->
                    new InvalidManifestException(
                        document
                            + ": unknown kind "
                            + ManifestText.quote(kind)
                            + " of apiVersion "
                            + ManifestText.quote(apiVersion)
                            + ": supported are "
                            + ManifestKinds.describe()));
    String subject = document + " (" + kind + name(fields) + ")";
    try {
      return ModelSerialization.get().convertValue(fields, type);
    } catch (IllegalArgumentException e) {
      // KubernetesSerialization wraps Jackson's failure; anything else is not about the manifest.
      if (e.getCause() instanceof JacksonException failure) {
        throw new InvalidManifestException(
            subject + ": " + BindingErrors.describe(failure, fields));
      }
      throw e;
    }
  }

  private static String name(Map<?, ?> fields) {
    if (fields.get("metadata") instanceof Map<?, ?> metadata
        && metadata.get("name") instanceof String name) {
      return " " + ManifestText.quote(name);
    }
    return "";
  }

  private static InvalidManifestException yamlError(int document, YamlEngineException e) {
    String where = "document " + document + ": invalid YAML";
    if (e instanceof MarkedYamlEngineException marked) {
      return new InvalidManifestException(
          where
              + marked.getProblemMark().map(Manifests::at).orElse("")
              + ": "
              + marked.getProblem());
    }
    // Unmarked failures (a size limit, an unreadable character) carry their explanation first.
    return new InvalidManifestException(
        where + ": " + e.getMessage().lines().findFirst().orElse(""));
  }

  private static String at(Mark mark) {
    return " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }
}
