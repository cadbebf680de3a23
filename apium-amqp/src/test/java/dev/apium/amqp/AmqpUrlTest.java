package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AmqpUrlTest {
  @Test
  void kombuDoubleSlashMeansTheRootVhost() {
    AmqpUrl url = AmqpUrl.parse("amqp://guest:secret@localhost:5672//");
    assertThat(url.vhost()).isEqualTo("/");
    assertThat(url.user()).isEqualTo("guest");
    assertThat(url.password()).isEqualTo("secret");
    assertThat(url.address()).isEqualTo("localhost:5672");
    assertThat(url.tls()).isFalse();
  }

  @Test
  void emptyOrSingleSlashPathMeansTheRootVhost() {
    assertThat(AmqpUrl.parse("amqp://h").vhost()).isEqualTo("/");
    assertThat(AmqpUrl.parse("amqp://h/").vhost()).isEqualTo("/");
    assertThat(AmqpUrl.parse("amqp://h/%2F").vhost()).isEqualTo("/");
  }

  @Test
  void namedAndEncodedVhosts() {
    assertThat(AmqpUrl.parse("amqp://u:p@h:1234/spec").vhost()).isEqualTo("spec");
    assertThat(AmqpUrl.parse("amqp://u:p@h/a%2Fb").vhost()).isEqualTo("a/b");
    assertThat(AmqpUrl.parse("pyamqp://h/x?heartbeat=10").vhost()).isEqualTo("x");
  }

  @Test
  void defaultsAndTls() {
    AmqpUrl plain = AmqpUrl.parse("amqp://");
    assertThat(plain.host()).isEqualTo("localhost");
    assertThat(plain.port()).isEqualTo(5672);
    assertThat(plain.user()).isEqualTo("guest");
    assertThat(plain.password()).isEqualTo("guest");
    AmqpUrl tls = AmqpUrl.parse("amqps://bob:p%40ss@rabbit.example");
    assertThat(tls.tls()).isTrue();
    assertThat(tls.port()).isEqualTo(5671);
    assertThat(tls.password()).isEqualTo("p@ss");
  }

  @Test
  void passwordIsMaskedAndBadInputNamed() {
    assertThat(AmqpUrl.parse("amqp://u:topsecret@h//").masked()).doesNotContain("topsecret");
    assertThatThrownBy(() -> AmqpUrl.parse("amqp://h:abc/")).hasMessageContaining("port 'abc'");
    assertThatThrownBy(() -> AmqpUrl.parse("redis://h/0")).hasMessageContaining("amqp://");
  }

  @Test
  void celerysFailoverFormListsEveryNodeWithTheFirstsCredentials() {
    AmqpUrl url = AmqpUrl.parse("amqp://u:p@a:5672/v;amqp://u:p@b:5673/v;amqp://u:p@c/v");
    assertThat(url.host()).isEqualTo("a");
    assertThat(url.vhost()).isEqualTo("v");
    assertThat(url.address()).isEqualTo("a:5672,b:5673,c:5672");
    assertThat(url.addresses()).hasSize(3);
    assertThatThrownBy(() -> AmqpUrl.parse("amqp://u:p@a//;amqp://x:p@b//"))
        .hasMessageContaining("same credentials and vhost");
  }
}
