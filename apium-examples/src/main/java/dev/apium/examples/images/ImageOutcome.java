package dev.apium.examples.images;

/**
 * How one image fared in a batch: its statistics (with the thumbnail and step timings) or the error
 * that failed it, and the wall time from sending to result. Immutable value.
 *
 * @param input the picture as sent
 * @param stats the pipeline's result, or null when it failed
 * @param error one-line failure ("ValueError: cannot decode image 'x.jpg': ..."), or null
 * @param millis wall time from sending the first step to the last result
 * @param tasks how many tasks were sent for this picture (3 when all steps ran)
 */
public record ImageOutcome(
    Picture input, PictureStats stats, String error, long millis, int tasks) {
  public boolean ok() {
    return error == null;
  }
}
