package dev.apium;

/**
 * Where a task's rate limit is counted: per worker process, as Celery does, or once for the whole
 * cluster through the broker's shared store (Redis). Chosen per task ({@link
 * Task#rateLimitScope()}) or for the app ({@code rate_limit_scope = worker | cluster}).
 */
public enum RateLimitScope {
  /** Each worker has its own token bucket (Celery's behaviour). */
  WORKER,
  /** One token bucket shared by every worker through the broker's store. */
  CLUSTER
}
