package dev.apium.examples.images;

/**
 * The end of the image pipeline: the picture it was computed on (the thumbnail, with every step's
 * timing) and the statistics of its gray levels. Immutable value.
 *
 * @param picture the analysed picture
 * @param pixels number of pixels counted
 * @param mean mean gray level, 0-255
 * @param stddev population standard deviation of the gray levels
 * @param min darkest level
 * @param max brightest level
 * @param histogram 256 counts, one per gray level
 */
public record PictureStats(
    Picture picture, long pixels, double mean, double stddev, int min, int max, long[] histogram) {}
