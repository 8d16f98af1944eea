package dev.bastion.controller.model;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;

/**
 * What a stream of YAML events becomes once every alias is expanded, counted from the events alone
 * and before any tree is built. An alias costs a few bytes to send and the whole of its anchored
 * node to expand: nested anchors of 700 bytes, each aliasing the last a few times, became 600 MiB
 * of gateway heap once the objects were converted. Counting each anchor's size when it closes and
 * adding it at every alias makes the check linear in the events, whatever they would expand to.
 */
final class ExpandedSize {

  /** Nodes a request may expand to: real manifests of {@link Manifests#MAX_DOCUMENTS} need ~20k. */
  static final long MAX_NODES = 200_000;

  /** Characters of scalars a request may expand to: a few times the largest body taken. */
  static final long MAX_CHARS = 8L << 20;

  private record Size(long nodes, long chars) {}

  private record Open(Anchor anchor, long nodes, long chars) {}

  private final Deque<Open> open = new ArrayDeque<>();
  private final Map<Anchor, Size> anchors = new HashMap<>();
  private long nodes;
  private long chars;

  /**
   * Counts {@code event}.
   *
   * @throws InvalidManifestException naming the document once the request would expand past a
   *     bound, or at an alias that names no earlier anchor or the node it is in
   */
  void add(Event event, int document) {
    switch (event.getEventId()) {
      case DocumentStart -> anchors.clear(); // anchors do not cross documents
      case Scalar -> {
        ScalarEvent scalar = (ScalarEvent) event;
        grow(1, scalar.getValue().length(), document);
        scalar.getAnchor().ifPresent(a -> anchors.put(a, new Size(1, scalar.getValue().length())));
      }
      case MappingStart, SequenceStart -> {
        grow(1, 0, document);
        open.push(new Open(((NodeEvent) event).getAnchor().orElse(null), nodes - 1, chars));
      }
      case MappingEnd, SequenceEnd -> {
        Open closed = open.pop();
        if (closed.anchor() != null) {
          anchors.put(closed.anchor(), new Size(nodes - closed.nodes(), chars - closed.chars()));
        }
      }
      case Alias -> {
        Anchor alias = ((AliasEvent) event).getAlias();
        Size size = anchors.get(alias);
        if (size == null) {
          throw new InvalidManifestException(
              "document "
                  + document
                  + (open.stream().anyMatch(o -> alias.equals(o.anchor()))
                      ? ": the alias *" + alias.getValue() + " is inside the node it names"
                      : ": the alias *" + alias.getValue() + " names no anchor before it"));
        }
        grow(size.nodes(), size.chars(), document);
      }
      default -> {}
    }
  }

  private void grow(long moreNodes, long moreChars, int document) {
    nodes += moreNodes;
    chars += moreChars;
    if (nodes > MAX_NODES || chars > MAX_CHARS) {
      throw new InvalidManifestException(
          "document "
              + document
              + ": its aliases expand past "
              + MAX_NODES
              + " nodes or "
              + (MAX_CHARS >> 20)
              + " MiB of text; write the objects out or apply them in several parts");
    }
  }
}
