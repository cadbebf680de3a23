package dev.apium.examples.images;

import dev.apium.Apium;
import dev.apium.TaskFailedException;
import dev.apium.examples.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of the image example: runs the pipeline {@code images.grayscale →
 * images.thumbnail → images.histogram} for every picture of a batch at once and gathers one {@link
 * ImageOutcome} per picture, failures included, so one corrupt file never sinks the batch. Each
 * step is sent as soon as the previous one's result arrives. Called from one client thread;
 * completion callbacks run on a common-pool thread.
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
   * Runs the pipeline on every picture and waits for all of them.
   *
   * @param progress told the number of pictures, then stepped once per finished picture
   */
  public List<ImageOutcome> run(List<Picture> pictures, Duration timeout, Progress progress) {
    progress.total(pictures.size());
    List<CompletableFuture<ImageOutcome>> pending = new ArrayList<>();
    for (Picture picture : pictures) {
      pending.add(pipeline(picture).whenComplete((outcome, error) -> progress.step()));
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "image batch not finished after "
              + timeout.toSeconds()
              + " s: are workers running and consuming the 'celery' queue?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the image batch", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("image batch failed", e.getCause());
    }
    return pending.stream().map(CompletableFuture::join).toList();
  }

  /** One picture through the three tasks; a failing step ends it with an error outcome. */
  private CompletableFuture<ImageOutcome> pipeline(Picture picture) {
    long start = System.nanoTime();
    AtomicInteger sent = new AtomicInteger();
    return send(sent, Picture.class, "images.grayscale", picture)
        .thenComposeAsync(
            gray -> send(sent, Picture.class, "images.thumbnail", gray, thumbnailSize))
        .thenComposeAsync(thumb -> send(sent, PictureStats.class, "images.histogram", thumb))
        .handle(
            (stats, error) ->
                new ImageOutcome(
                    picture,
                    stats,
                    error == null ? null : describe(error),
                    (System.nanoTime() - start) / 1_000_000,
                    sent.get()));
  }

  private <T> CompletableFuture<T> send(
      AtomicInteger sent, Class<T> type, String task, Object... args) {
    sent.incrementAndGet();
    return app.signature(task, args).delay(type).toCompletableFuture();
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
