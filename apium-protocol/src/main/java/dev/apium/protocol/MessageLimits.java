package dev.apium.protocol;

/**
 * Bounds on what reading one message may cost: the size of a body after decompression (a zip bomb
 * stops there instead of filling the heap) and the nesting depth of its JSON (a deeply nested
 * document stops there instead of overflowing the stack). Settings {@code
 * message_max_decompressed_bytes} (default 64 MiB) and {@code message_max_json_depth} (default
 * 1000, Python's own recursion limit). Immutable.
 *
 * @param maxDecompressedBytes largest body, in bytes, a compressed message may inflate to
 * @param maxJsonDepth deepest nesting of arrays and objects a body may have
 */
public record MessageLimits(long maxDecompressedBytes, int maxJsonDepth) {
  public static final String MAX_DECOMPRESSED_BYTES = "message_max_decompressed_bytes";
  public static final String MAX_JSON_DEPTH = "message_max_json_depth";

  public static final MessageLimits DEFAULT = new MessageLimits(64L << 20, 1000);

  public MessageLimits {
    if (maxDecompressedBytes < 1) {
      throw new IllegalArgumentException(
          MAX_DECOMPRESSED_BYTES + " must be at least 1, got " + maxDecompressedBytes);
    }
    if (maxJsonDepth < 1) {
      throw new IllegalArgumentException(
          MAX_JSON_DEPTH + " must be at least 1, got " + maxJsonDepth);
    }
  }
}
