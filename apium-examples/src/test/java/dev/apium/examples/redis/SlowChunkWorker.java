package dev.apium.examples.redis;

import dev.apium.Apium;
import dev.apium.Task;
import dev.apium.examples.analysis.AnalysisTasks;
import dev.apium.examples.analysis.Query;
import dev.apium.examples.analysis.Summary;
import dev.apium.examples.analysis.TableChunk;
import dev.apium.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A child worker process for {@link ChunkLostIT}: the analysis tasks, acknowledged late, each chunk
 * taking {@code millis} longer and noting its start in a file, so the test can kill the process
 * (SIGKILL) while it holds chunks. It keeps the default visibility timeout, so it restores stale
 * deliveries only when it starts and never holds {@code unacked_mutex} when killed (a holder killed
 * mid-restore would block restores for the mutex's 300 s, as with kombu). Run as {@code
 * main(redisUrl, startedFile, millis)}.
 */
public final class SlowChunkWorker {
  private final Path started;
  private final long millis;
  private final AnalysisTasks tasks = new AnalysisTasks();

  SlowChunkWorker(Path started, long millis) {
    this.started = started;
    this.millis = millis;
  }

  @Task(value = "analysis.chunk", acksLate = true)
  public Summary chunk(TableChunk chunk, Query query) throws IOException, InterruptedException {
    Files.writeString(
        started,
        chunk.ref().firstRow() + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Thread.sleep(millis); // the work this process is killed in the middle of
    return tasks.chunk(chunk, query);
  }

  @Task(value = "analysis.merge", acksLate = true)
  public Summary merge(List<Summary> partials) {
    return tasks.merge(partials);
  }

  public static void main(String[] args) throws Exception {
    Apium app = Apium.builder().withoutEnvironment().broker(args[0]).backend(args[0]).build();
    app.register(new SlowChunkWorker(Path.of(args[1]), Long.parseLong(args[2])));
    Worker worker = app.worker().concurrency(2).nodename("doomed@test").start();
    System.out.println("doomed worker ready: " + worker);
    Thread.currentThread().join();
  }
}
