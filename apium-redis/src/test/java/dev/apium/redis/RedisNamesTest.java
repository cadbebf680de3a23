package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key, channel and URL rules that need no server. */
class RedisNamesTest {
  @Test
  void priorityStepsFollowKombu() {
    RedisKeys keys = new RedisKeys("", 5);
    assertThat(keys.queue("celery", 0)).isEqualTo("celery");
    assertThat(keys.queue("celery", 2)).isEqualTo("celery");
    assertThat(keys.queue("celery", 4)).isEqualTo("celery\u0006\u00163");
    assertThat(keys.queue("celery", 8)).isEqualTo("celery\u0006\u00166");
    assertThat(keys.queue("celery", 9)).isEqualTo("celery\u0006\u00169");
    assertThat(keys.queue("celery", 42)).isEqualTo("celery\u0006\u00169");
    assertThat(keys.queue("celery", -3)).isEqualTo("celery");
    assertThat(keys.queue("celery", null)).isEqualTo("celery");
  }

  @Test
  void channelsFollowKombu() {
    RedisKeys keys = new RedisKeys("", 5);
    assertThat(keys.channel("celeryev", "task.sent")).isEqualTo("/5.celeryev/task.sent");
    assertThat(keys.channel("celery.pidbox", "")).isEqualTo("/5.celery.pidbox");
    assertThat(keys.patterns("celeryev", "worker.#")).containsExactly("/5.celeryev/worker.*");
    assertThat(keys.patterns("celeryev", "#")).containsExactly("/5.celeryev/*");
    assertThat(keys.patterns("celery.pidbox", ""))
        .containsExactly("/5.celery.pidbox", "/5.celery.pidbox/*");
    RedisKeys prefixed = new RedisKeys("app:", 0);
    assertThat(prefixed.binding("celery")).isEqualTo("app:_kombu.binding.celery");
    assertThat(prefixed.unacked()).isEqualTo("app:unacked");
    assertThat(prefixed.channel("celeryev", "x")).isEqualTo("app:/0.celeryev/x");
    assertThat(RedisKeys.bindingMember("celery", "celery"))
        .isEqualTo("celery\u0006\u0016\u0006\u0016celery");
  }

  @Test
  void bindingKeysMatchLikeTopics() {
    assertThat(Envelopes.routes("images", "images")).isTrue();
    assertThat(Envelopes.routes("images", "image")).isFalse();
    assertThat(Envelopes.routes("worker.#", "worker.heartbeat")).isTrue();
    assertThat(Envelopes.routes("worker.#", "worker")).isTrue();
    assertThat(Envelopes.routes("worker.*", "worker.a.b")).isFalse();
    assertThat(Envelopes.routes("#", "anything.at.all")).isTrue();
    assertThat(Envelopes.routes("a.b", "aXb")).isFalse();
  }

  @Test
  void urlsOfEveryShape() {
    RedisURI password = RedisConnector.parse("redis://:secret@h1:6380/3", "broker_url");
    assertThat(password.getHost()).isEqualTo("h1");
    assertThat(password.getPort()).isEqualTo(6380);
    assertThat(password.getDatabase()).isEqualTo(3);
    assertThat(new String(creds(password).getPassword())).isEqualTo("secret");
    RedisURI acl = RedisConnector.parse("redis://app:pw@h2:6379/1", "broker_url");
    assertThat(creds(acl).getUsername()).isEqualTo("app");
    assertThat(new String(creds(acl).getPassword())).isEqualTo("pw");
    RedisURI tls = RedisConnector.parse("rediss://h3:6390/0", "broker_url");
    assertThat(tls.isSsl()).isTrue();
    RedisURI unchecked =
        RedisConnector.parse("rediss://:pw@h4:6390/2?ssl_cert_reqs=CERT_NONE", "broker_url");
    assertThat(unchecked.isSsl()).isTrue();
    assertThat(unchecked.getVerifyMode()).isEqualTo(io.lettuce.core.SslVerifyMode.NONE);
    assertThat(unchecked.getDatabase()).isEqualTo(2);
    assertThat(tls.getVerifyMode()).isEqualTo(io.lettuce.core.SslVerifyMode.FULL);
    RedisURI bare = RedisConnector.parse("redis://", "broker_url");
    assertThat(List.of(bare.getHost(), bare.getPort(), bare.getDatabase()))
        .containsExactly("localhost", 6379, 0);
    assertThatThrownBy(() -> RedisConnector.parse("amqp://h", "broker_url"))
        .hasMessageContaining("not a Redis URL");
  }

  private static io.lettuce.core.RedisCredentials creds(RedisURI uri) {
    return uri.getCredentialsProvider().resolveCredentials().block();
  }

  @Test
  void factoryIsRegistered() {
    assertThat(java.util.ServiceLoader.load(dev.apium.spi.TransportFactory.class).stream())
        .anySatisfy(p -> assertThat(p.type()).isEqualTo(RedisTransportFactory.class));
    assertThat(new RedisTransportFactory().schemes())
        .containsExactlyInAnyOrder("redis", "rediss", "sentinel");
  }
}
