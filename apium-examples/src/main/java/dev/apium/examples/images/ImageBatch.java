package dev.apium.examples.images;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.Chain;
import dev.apium.Group;
import dev.apium.GroupResult;
import dev.apium.TaskFailedException;
import dev.apium.examples.Progress;
import dev.apium.examples.Window;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The client side of the image example: sends a batch as one group of chains, {@code
 * images.grayscale → images.thumbnail → images.histogram} per picture (the workers pass each result
 * on to the next step), and gathers one {@link ImageOutcome} per picture, failures included, so one
 * corrupt file never sinks the batch. Called from one client thread; completion callbacks run on
 * the result backend's thread.
 */
public final class ImageBatch {
  private final Apium app;
  private final int thumbnailSize;

  /** A batch client that makes thumbnails whose longer side is {@code thumbnailSize} pixels. */
  public ImageBatch(Apium app, int thumbnailSize) {
    this.app = app;
    this.thumbnailSize = thumbnailSize;
  }

  /**
   * Sends the batch as a group of chains and waits for every picture.
   *
   * @param progress told the number of pictures, then stepped once per finished picture
   */
  public List<ImageOutcome> run(List<Picture> pictures, Duration timeout, Progress progress) {
    progress.total(pictures.size());
    long start = System.nanoTime();
    GroupResult batch = Group.of(pictures.stream().map(this::pipeline).toList()).delay();
    List<CompletableFuture<ImageOutcome>> pending = new ArrayList<>();
    for (int i = 0; i < pictures.size(); i++) {
      Picture picture = pictures.get(i);
      AsyncResult<PictureStats> last = batch.results().get(i).as(PictureStats.class);
      pending.add(
          last.toCompletableFuture()
              .handle((stats, error) -> outcome(picture, last, stats, error, start))
              .whenComplete((outcome, error) -> progress.step()));
    }
    return awaitAll(pending, System.nanoTime() + timeout.toNanos(), timeout);
  }

  /**
   * Streams a folder-sized batch: reads one picture with {@code load} (inline bytes or a
   * reference), sends its chain and forgets the bytes, keeping at most {@code window} pictures in
   * flight, so the client holds a window of pictures however many there are. Outcomes keep the
   * input's name and path (not its bytes) and, for the first {@code keepThumbnails}, the thumbnail;
   * a picture that cannot even be loaded fails alone.
   */
  public List<ImageOutcome> stream(
      List<Path> files,
      Function<Path, Picture> load,
      int window,
      int keepThumbnails,
      Duration timeout,
      Progress progress) {
    long deadline = System.nanoTime() + timeout.toNanos();
    progress.total(files.size());
    progress.totalRows(files.size());
    Window slots = new Window(window, deadline, "image batch");
    List<CompletableFuture<ImageOutcome>> pending = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      Picture light =
          new Picture(
              file.getFileName().toString(),
              null,
              file.toAbsolutePath().toString(),
              null,
              0,
              0,
              null);
      boolean keep = i < keepThumbnails;
      long start = System.nanoTime();
      slots.enter();
      CompletableFuture<ImageOutcome> outcome;
      try {
        AsyncResult<PictureStats> last = pipeline(load.apply(file)).delay(PictureStats.class);
        outcome =
            last.toCompletableFuture()
                .handle(
                    (stats, error) ->
                        outcome(light, last, keep ? stats : withoutThumbnail(stats), error, start));
      } catch (RuntimeException e) {
        outcome =
            CompletableFuture.completedFuture(new ImageOutcome(light, null, describe(e), 0, 0));
      }
      pending.add(
          outcome.whenComplete(
              (o, error) -> {
                slots.leave();
                progress.rowsDone(1);
                progress.step();
              }));
    }
    return awaitAll(pending, deadline, timeout);
  }

  private static List<ImageOutcome> awaitAll(
      List<CompletableFuture<ImageOutcome>> pending, long deadline, Duration timeout) {
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "image batch not finished after "
              + timeout.toSeconds()
              + " s: are workers running and consuming the 'celery' queue?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the image batch", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("image batch failed", e.getCause());
    }
    return pending.stream().map(CompletableFuture::join).toList();
  }

  private static PictureStats withoutThumbnail(PictureStats stats) {
    if (stats == null) {
      return null;
    }
    Picture p = stats.picture();
    return new PictureStats(
        new Picture(p.name(), null, p.path(), p.store(), p.width(), p.height(), p.timings()),
        stats.pixels(),
        stats.mean(),
        stats.stddev(),
        stats.min(),
        stats.max(),
        stats.histogram());
  }

  /** One picture's chain: the thumbnail and histogram steps get the previous result first. */
  private Chain pipeline(Picture picture) {
    return Chain.of(
        app.signature("images.grayscale", picture),
        app.signature("images.thumbnail", thumbnailSize),
        app.signature("images.histogram"));
  }

  private static ImageOutcome outcome(
      Picture picture, AsyncResult<?> last, PictureStats stats, Throwable error, long start) {
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (error == null) {
      return new ImageOutcome(picture, stats, null, millis, 3);
    }
    int ran = 1;
    for (AsyncResult<?> step = last.parent(); step != null; step = step.parent()) {
      ran += step.successful() ? 1 : 0;
    }
    return new ImageOutcome(picture, null, describe(error), millis, ran);
  }

  private static String describe(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof TaskFailedException failed) {
      return failed.type() + ": " + failed.remoteMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
