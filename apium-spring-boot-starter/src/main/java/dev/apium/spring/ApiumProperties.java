package dev.apium.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code apium.*} properties. The common settings have typed names ({@code apium.broker-url},
 * {@code apium.result-backend}, {@code apium.worker.*}); any other Celery setting goes under {@code
 * apium.celery.<celery_name>} ({@code apium.celery.task_default_queue}), which is also where
 * Celery's own spellings of the typed ones are accepted ({@code apium.celery.broker_url}). Bound
 * once by Spring on the thread that refreshes the context.
 */
@ConfigurationProperties(prefix = "apium")
public class ApiumProperties {

  /**
   * The app's name (Celery's main module name), used in logs. Defaults to spring.application.name,
   * else "apium".
   */
  private String name;

  /**
   * The broker URL, e.g. redis://localhost:6379/0, amqp://guest:guest@localhost:5672//, memory://.
   * Celery's broker_url.
   */
  private String brokerUrl;

  /**
   * The result backend URL, e.g. redis://localhost:6379/1, rpc://, db+postgresql://... Celery's
   * result_backend. Defaults to one derived from the broker.
   */
  private String resultBackend;

  /**
   * Whether apium.properties and APIUM_* environment variables are read too, as a plain Apium app
   * does (Spring's values win over them).
   */
  private boolean loadEnvironment = true;

  /**
   * Any Celery setting by its Celery name, e.g. apium.celery.task_default_queue=images; dashes are
   * read as underscores, so apium.celery.task-default-queue works as well.
   */
  private Map<String, String> celery = new LinkedHashMap<>();

  private final Worker worker = new Worker();
  private final Health health = new Health();
  private final Test test = new Test();

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getBrokerUrl() {
    return brokerUrl;
  }

  public void setBrokerUrl(String brokerUrl) {
    this.brokerUrl = brokerUrl;
  }

  public String getResultBackend() {
    return resultBackend;
  }

  public void setResultBackend(String resultBackend) {
    this.resultBackend = resultBackend;
  }

  public boolean isLoadEnvironment() {
    return loadEnvironment;
  }

  public void setLoadEnvironment(boolean loadEnvironment) {
    this.loadEnvironment = loadEnvironment;
  }

  public Map<String, String> getCelery() {
    return celery;
  }

  public void setCelery(Map<String, String> celery) {
    this.celery = celery;
  }

  public Worker getWorker() {
    return worker;
  }

  public Health getHealth() {
    return health;
  }

  public Test getTest() {
    return test;
  }

  /** The in-process worker ({@code apium.worker.*}). */
  public static class Worker {
    /**
     * Whether this application runs a worker that consumes and runs tasks. Off by default (the app
     * only sends tasks); on by default in apium.test.mode=memory.
     */
    private Boolean enabled;

    /** Tasks run at once (Celery's worker_concurrency, -c). Defaults to the number of CPUs. */
    private Integer concurrency;

    /** Queues to consume (Celery's -Q). Defaults to task_default_queue ("celery"). */
    private List<String> queues = new ArrayList<>();

    /** The worker's node name (Celery's -n), e.g. images@host. Defaults to apium@hostname. */
    private String nodename;

    /** Messages prefetched per pool thread (Celery's worker_prefetch_multiplier). */
    private Integer prefetchMultiplier;

    /**
     * Run tasks on virtual threads (Java 21+), for I/O-bound tasks; concurrency still bounds how
     * many run at once, so raise it (hundreds or thousands) with this on.
     */
    private boolean virtualThreads;

    /**
     * How long a warm shutdown lets running tasks finish when the context closes, before they are
     * interrupted. Keep it below spring.lifecycle.timeout-per-shutdown-phase.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    public Integer getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(Integer concurrency) {
      this.concurrency = concurrency;
    }

    public List<String> getQueues() {
      return queues;
    }

    public void setQueues(List<String> queues) {
      this.queues = queues;
    }

    public String getNodename() {
      return nodename;
    }

    public void setNodename(String nodename) {
      this.nodename = nodename;
    }

    public Integer getPrefetchMultiplier() {
      return prefetchMultiplier;
    }

    public void setPrefetchMultiplier(Integer prefetchMultiplier) {
      this.prefetchMultiplier = prefetchMultiplier;
    }

    public boolean isVirtualThreads() {
      return virtualThreads;
    }

    public void setVirtualThreads(boolean virtualThreads) {
      this.virtualThreads = virtualThreads;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }
  }

  /** The Actuator health indicator ({@code apium.health.*}). */
  public static class Health {
    /** How long the broker and the backend each have to answer the health probe. */
    private Duration timeout = Duration.ofSeconds(2);

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  /** Test support ({@code apium.test.*}); {@code @ApiumTest} sets it. */
  public static class Test {
    /**
     * memory: a private memory:// broker and backend for this context, the worker on,
     * apium.properties and APIUM_* ignored; none: as configured.
     */
    private TestMode mode = TestMode.NONE;

    public TestMode getMode() {
      return mode;
    }

    public void setMode(TestMode mode) {
      this.mode = mode;
    }
  }

  /** The values of {@code apium.test.mode}. */
  public enum TestMode {
    /** Use the configured broker and backend. */
    NONE,
    /** Use a memory:// broker and backend private to the context, with the worker on. */
    MEMORY
  }
}
