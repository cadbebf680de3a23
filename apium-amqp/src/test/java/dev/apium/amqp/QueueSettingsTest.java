package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.ApiumConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Celery's queue settings turned into declarations, without a broker. */
class QueueSettingsTest {
  private static QueueSettings settings(Map<String, String> values) {
    return new QueueSettings(ApiumConfig.of(values));
  }

  @Test
  void classicByDefaultLikeCelery() {
    QueueSpec spec = settings(Map.of()).spec("celery");
    assertThat(spec.arguments()).isEmpty();
    assertThat(spec.exchange()).isEqualTo("celery");
    assertThat(spec.exchangeType()).isEqualTo("direct");
    assertThat(spec.routingKey()).isEqualTo("celery");
    assertThat(spec.explicit()).isFalse();
    assertThat(settings(Map.of()).anyQuorum()).isFalse();
  }

  @Test
  void defaultTypeAppliesToTheDefaultQueueAndMissingTypeToTheOthers() {
    QueueSettings s =
        settings(Map.of("task_default_queue_type", "quorum", "task_queue_max_priority", "10"));
    assertThat(s.spec("celery").arguments()).isEqualTo(Map.of("x-queue-type", "quorum"));
    assertThat(s.spec("other").arguments()).isEqualTo(Map.of("x-max-priority", 10));
    assertThat(s.anyQuorum()).isTrue();
    QueueSettings missing = settings(Map.of("task_create_missing_queue_type", "QUORUM"));
    assertThat(missing.spec("images").quorum()).isTrue();
    assertThat(missing.spec("celery").quorum()).isFalse();
    assertThat(missing.spec("abc.reply.celery.pidbox").arguments()).isEmpty();
  }

  @Test
  void taskQueuesSettingsDeclareLikeKombusQueue() {
    QueueSettings s =
        settings(
            Map.of(
                "task_queues.tq.queue_arguments",
                    "{\"x-queue-type\": \"quorum\", \"x-max-length\": 5}",
                "task_queues.tq.exchange", "tx",
                "task_queues.tq.exchange_type", "topic",
                "task_queues.tq.routing_key", "a.#"));
    QueueSpec spec = s.spec("tq");
    assertThat(spec.arguments())
        .containsExactly(Map.entry("x-queue-type", "quorum"), Map.entry("x-max-length", 5));
    assertThat(spec.exchange()).isEqualTo("tx");
    assertThat(spec.direct()).isFalse();
    assertThat(spec.routingKey()).isEqualTo("a.#");
    assertThat(spec.explicit()).isTrue();
    assertThat(s.anyQuorum()).isTrue();
  }

  @Test
  void badValuesAreOneLineErrorsNamingTheFix() {
    assertThatThrownBy(() -> settings(Map.of("task_default_queue_type", "stream")))
        .hasMessage(
            "task_default_queue_type is 'stream': set it to classic or quorum (Celery's two queue"
                + " types)");
    assertThatThrownBy(() -> settings(Map.of("task_queues.q.queue_arguments", "quorum")))
        .hasMessageContaining("task_queues.q.queue_arguments is not a JSON object");
    assertThat(settings(Map.of("task_queues.x", "y")).anyQuorum()).isFalse();
  }
}
