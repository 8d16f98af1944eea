package dev.bastion.loadtest.bench;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What every call sends: the messages built from {@code -d} and the metadata from {@code -m}, both
 * rendered from their templates for the call. As in ghz, data that is a JSON array is the stream of
 * messages of a client-streaming call, and one message per call taken in turn for the others; an
 * object is the one message (sent once, or {@code --stream-call-count} times).
 */
final class Payload {

  private static final JsonFormat.Parser JSON = JsonFormat.parser();

  private final BenchMethod method;
  private final CallTemplate data;
  private final CallTemplate metadata;
  private final Map<String, String> defaultMetadata;
  // Rendered once when the templates do not change from call to call.
  private final List<DynamicMessage> constantMessages;
  private final Map<String, String> constantMetadata;

  private Payload(
      BenchMethod method,
      CallTemplate data,
      CallTemplate metadata,
      Map<String, String> defaultMetadata) {
    this.method = method;
    this.data = data;
    this.metadata = metadata;
    this.defaultMetadata = defaultMetadata;
    this.constantMessages = data.isConstant() ? parseMessages(data.render(null)) : null;
    this.constantMetadata = metadata.isConstant() ? parseMetadata(metadata.render(null)) : null;
  }

  /**
   * Compiles {@code -d} and {@code -m} and checks them on a sample call, so that a mistake is
   * reported before any sandbox is created or call made.
   *
   * @param defaultMetadata headers every call carries unless {@code -m} sets them
   * @throws IllegalArgumentException saying what is wrong with which flag
   */
  static Payload compile(
      BenchMethod method,
      String dataJson,
      String metadataJson,
      Map<String, String> defaultMetadata,
      Function<String, String> env) {
    Payload payload =
        new Payload(
            method,
            CallTemplate.parse(dataJson, "-d", env),
            CallTemplate.parse(metadataJson, "-m", env),
            Map.copyOf(defaultMetadata));
    CallData sample = CallData.of("g0c0", 0, "sandbox-id", method);
    payload.messages(sample);
    payload.metadata(sample);
    return payload;
  }

  boolean uses(String field) {
    return data.uses(field) || metadata.uses(field);
  }

  /** The messages of one call: one for a unary or server-streaming call. */
  List<DynamicMessage> messages(CallData call) {
    List<DynamicMessage> all =
        constantMessages != null ? constantMessages : parseMessages(data.render(call));
    if (method.clientStreaming() || all.size() == 1) {
      return all;
    }
    return List.of(all.get((int) (call.requestNumber() % all.size())));
  }

  Map<String, String> metadata(CallData call) {
    return constantMetadata != null ? constantMetadata : parseMetadata(metadata.render(call));
  }

  private List<DynamicMessage> parseMessages(String json) {
    Object value = decode(json, "-d");
    List<DynamicMessage> messages = new ArrayList<>();
    if (value instanceof JsonObject object) {
      messages.add(message(object));
    } else if (value instanceof JsonArray array && !array.isEmpty()) {
      for (Object element : array) {
        if (!(element instanceof JsonObject object)) {
          throw new IllegalArgumentException("-d: every element of the array must be an object");
        }
        messages.add(message(object));
      }
    } else {
      throw new IllegalArgumentException("-d must be a JSON object or a non-empty array of them");
    }
    return List.copyOf(messages);
  }

  private DynamicMessage message(JsonObject object) {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(method.descriptor().getInputType());
    try {
      JSON.merge(object.encode(), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "-d is not a "
              + method.descriptor().getInputType().getFullName()
              + ": "
              + e.getMessage());
    }
    return builder.build();
  }

  private Map<String, String> parseMetadata(String json) {
    if (!(decode(json, "-m") instanceof JsonObject object)) {
      throw new IllegalArgumentException("-m must be a JSON object of strings");
    }
    Map<String, String> headers = new LinkedHashMap<>(defaultMetadata);
    for (Map.Entry<String, Object> entry : object) {
      if (!(entry.getValue() instanceof String value)) {
        throw new IllegalArgumentException(
            "-m: the value of " + entry.getKey() + " is not a string");
      }
      // HTTP/2 header names are lower case.
      headers.put(entry.getKey().toLowerCase(Locale.ROOT), value);
    }
    return Collections.unmodifiableMap(headers);
  }

  private static Object decode(String json, String flag) {
    try {
      return Json.decodeValue(json);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(flag + " is not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    int newline = message == null ? -1 : message.indexOf('\n');
    return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
  }
}
