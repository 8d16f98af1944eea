package dev.bastion.gateway.it;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Request bodies for fuzzing a method, made from its input type's descriptor by a seeded {@link
 * Random}: the same seed gives the same sequence of cases.
 */
final class ProtoFuzzer {

  /** Strings that mean something to a sandbox, a path check or a parser. */
  private static final List<String> NASTY =
      List.of(
          "",
          "..",
          "../../etc/passwd",
          "/workspace/../etc/shadow",
          "/proc/self/root/etc/passwd",
          "/workspace/\u0000x",
          "python",
          "sbx-000000000000",
          "true",
          "sh",
          "%s%n%x",
          "\uFFFF\uD800",
          "a=b,c!=d",
          "*",
          "/",
          "-1");

  /**
   * One fuzzed call.
   *
   * @param kind how it was made, for the report
   * @param messages the request messages to send, in order (possibly none)
   */
  record Case(String kind, List<byte[]> messages) {}

  private final Random random;

  ProtoFuzzer(long seed) {
    this.random = new Random(seed);
  }

  /** The next case for {@code method}, aimed (where a message names one) at {@code sandboxId}. */
  Case next(MethodDescriptor method, String sandboxId) {
    Message valid = Rpcs.requestFor(method, sandboxId);
    int pick = random.nextInt(100);
    String kind;
    byte[] first;
    if (pick < 35) {
      kind = "mutated fields";
      first = mutate(valid).toByteArray();
    } else if (pick < 45) {
      kind = "random message";
      first = randomMessage(method.getInputType(), 0).toByteArray();
    } else if (pick < 60) {
      kind = "truncated";
      byte[] bytes = mutate(valid).toByteArray();
      first = java.util.Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
    } else if (pick < 75) {
      kind = "bit flips";
      first = flipBits(mutate(valid).toByteArray());
    } else if (pick < 88) {
      kind = "random bytes";
      first = randomBytes(randomLength());
    } else if (pick < 96) {
      kind = "lying length";
      first = lyingLength(valid.toByteArray());
    } else {
      kind = "valid, repeated";
      first = valid.toByteArray();
    }
    List<byte[]> messages = new ArrayList<>();
    messages.add(first);
    if (method.isClientStreaming() || kind.equals("valid, repeated")) {
      int more = kind.equals("valid, repeated") ? 1 + random.nextInt(3) : random.nextInt(3);
      for (int i = 0; i < more; i++) {
        messages.add(
            random.nextBoolean()
                ? randomMessage(method.getInputType(), 0).toByteArray()
                : randomBytes(randomLength()));
      }
    }
    return new Case(kind, messages);
  }

  /** Changes, clears or adds one to three fields of {@code message}. */
  private Message mutate(Message message) {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(message);
    List<FieldDescriptor> fields = message.getDescriptorForType().getFields();
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes && !fields.isEmpty(); i++) {
      FieldDescriptor field = fields.get(random.nextInt(fields.size()));
      if (random.nextInt(5) == 0) {
        builder.clearField(field);
      } else if (field.isMapField() || field.isRepeated()) {
        builder.addRepeatedField(field, randomValue(field, 1));
      } else {
        builder.setField(field, randomValue(field, 1));
      }
    }
    return builder.build();
  }

  private DynamicMessage randomMessage(Descriptor type, int depth) {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
    for (FieldDescriptor field : type.getFields()) {
      if (random.nextInt(3) == 0) {
        continue;
      }
      if (field.isMapField() || field.isRepeated()) {
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
          builder.addRepeatedField(field, randomValue(field, depth + 1));
        }
      } else if (field.getContainingOneof() == null || random.nextBoolean()) {
        builder.setField(field, randomValue(field, depth + 1));
      }
    }
    return builder.build();
  }

  private Object randomValue(FieldDescriptor field, int depth) {
    return switch (field.getJavaType()) {
      case INT -> (int) randomLong();
      case LONG -> randomLong();
      case BOOLEAN -> random.nextBoolean();
      case FLOAT -> random.nextFloat();
      case DOUBLE -> random.nextDouble();
      case STRING -> randomString();
      case BYTE_STRING -> ByteString.copyFrom(randomBytes(randomLength()));
      case ENUM -> {
        List<EnumValueDescriptor> values = field.getEnumType().getValues();
        yield values.get(random.nextInt(values.size()));
      }
      case MESSAGE ->
          depth > 3
              ? DynamicMessage.getDefaultInstance(field.getMessageType())
              : randomMessage(field.getMessageType(), depth);
    };
  }

  private long randomLong() {
    return switch (random.nextInt(5)) {
      case 0 -> 0;
      case 1 -> random.nextInt(100);
      case 2 -> Long.MAX_VALUE;
      case 3 -> Long.MIN_VALUE;
      default -> random.nextLong();
    };
  }

  private String randomString() {
    return switch (random.nextInt(4)) {
      case 0 -> NASTY.get(random.nextInt(NASTY.size()));
      case 1 -> "x".repeat(random.nextInt(8192));
      case 2 -> {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(64);
        for (int i = 0; i < length; i++) {
          text.appendCodePoint(random.nextInt(0x3000));
        }
        yield text.toString();
      }
      default -> "/workspace/" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    };
  }

  /** Mostly short, sometimes up to 64 KiB. */
  private int randomLength() {
    return random.nextInt(10) == 0 ? random.nextInt(64 << 10) : random.nextInt(256);
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private byte[] flipBits(byte[] bytes) {
    if (bytes.length == 0) {
      return randomBytes(1 + random.nextInt(16));
    }
    byte[] flipped = bytes.clone();
    int flips = 1 + random.nextInt(8);
    for (int i = 0; i < flips; i++) {
      flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return flipped;
  }

  /**
   * {@code valid} followed by a length-delimited field whose declared length is not what follows:
   * far more, or as large as a varint can say.
   */
  private byte[] lyingLength(byte[] valid) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(valid);
    int fieldNumber = 1 + random.nextInt(12);
    out.write((fieldNumber << 3) | 2);
    long length = random.nextBoolean() ? 1L + random.nextInt(1 << 30) : -1L;
    for (long v = length; ; v >>>= 7) {
      if ((v & ~0x7FL) == 0) {
        out.write((int) v);
        break;
      }
      out.write((int) ((v & 0x7F) | 0x80));
    }
    out.writeBytes(randomBytes(random.nextInt(32)));
    return out.toByteArray();
  }
}
