package dev.apium.spring;

import dev.apium.ApiumConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Turns {@link ApiumProperties} into Apium's settings under Celery's names: the {@code
 * apium.celery.*} map (keys lower-cased, dashes read as underscores), then the typed properties,
 * refusing a typed property and its Celery alias that disagree. Pure and stateless; called once
 * while the {@code Apium} bean is created.
 */
final class ApiumSettings {
  private ApiumSettings() {}

  static Map<String, String> of(ApiumProperties properties) {
    Map<String, String> settings = new LinkedHashMap<>();
    properties.getCelery().forEach((key, value) -> settings.put(celeryName(key), value));
    ApiumProperties.Worker worker = properties.getWorker();
    put(settings, ApiumConfig.BROKER_URL, "apium.broker-url", properties.getBrokerUrl());
    put(
        settings,
        ApiumConfig.RESULT_BACKEND,
        "apium.result-backend",
        properties.getResultBackend());
    put(settings, ApiumConfig.CONCURRENCY, "apium.worker.concurrency", worker.getConcurrency());
    put(
        settings,
        ApiumConfig.PREFETCH_MULTIPLIER,
        "apium.worker.prefetch-multiplier",
        worker.getPrefetchMultiplier());
    if (properties.getTest().getMode() == ApiumProperties.TestMode.MEMORY) {
      String url = "memory://apium-test-" + UUID.randomUUID();
      settings.put(ApiumConfig.BROKER_URL, url);
      settings.put(ApiumConfig.RESULT_BACKEND, url);
    }
    return settings;
  }

  /**
   * {@code Task-Default-Queue} and {@code task_default_queue} both name {@code task_default_queue}.
   */
  static String celeryName(String key) {
    return key.trim().toLowerCase(Locale.ROOT).replace('-', '_');
  }

  private static void put(
      Map<String, String> settings, String celeryName, String property, Object value) {
    if (value == null) {
      return;
    }
    String text = String.valueOf(value).trim();
    String alias = settings.get(celeryName);
    if (alias != null && !alias.trim().equals(text)) {
      throw new IllegalArgumentException(
          property
              + "="
              + text
              + " and apium.celery."
              + celeryName
              + "="
              + alias
              + " disagree: set only one of them");
    }
    settings.put(celeryName, text);
  }
}
