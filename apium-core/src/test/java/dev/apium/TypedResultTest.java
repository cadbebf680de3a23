package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import dev.apium.protocol.CeleryJson;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Results of generic types: {@code TypeReference} and {@code JavaType} overloads. */
class TypedResultTest {
  record Order(String id, int quantity) {}

  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  private void registerOrders() {
    app.register(
        "t.orders",
        call -> {
          int n = call.arg(0, Integer.class);
          return java.util.stream.IntStream.rangeClosed(1, n)
              .mapToObj(i -> new Order("o" + i, i * n))
              .toList();
        });
  }

  @Test
  void delayWithATypeReferenceGivesAListOfRecords() {
    registerOrders();
    try (Worker worker = app.worker().concurrency(1).start()) {
      List<Order> orders =
          app.signature("t.orders", 3)
              .delay(new TypeReference<List<Order>>() {})
              .get(Duration.ofSeconds(5));
      assertThat(orders)
          .containsExactly(new Order("o1", 3), new Order("o2", 6), new Order("o3", 9));
      assertThat(orders.get(0)).isInstanceOf(Order.class);
    }
  }

  @Test
  void anExistingIdAndAnotherHandleReadTheSameResultAsAGenericType() {
    registerOrders();
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> untyped = app.signature("t.orders", 2).delay();
      untyped.get(Duration.ofSeconds(5));
      TypeReference<List<Order>> listOfOrders = new TypeReference<>() {};
      List<Order> viaAs = untyped.as(listOfOrders).get(Duration.ofSeconds(5));
      List<Order> viaId = app.result(untyped.id(), listOfOrders).get(Duration.ofSeconds(5));
      assertThat(viaAs).isEqualTo(viaId).containsExactly(new Order("o1", 2), new Order("o2", 4));
    }
  }

  @Test
  void applyAsyncWithAJavaTypeGivesAMapOfLists() {
    app.register("t.groups", call -> Map.of("even", List.of(2, 4), "odd", List.of(1, 3)));
    JavaType mapOfLists =
        CeleryJson.MAPPER
            .getTypeFactory()
            .constructMapType(
                Map.class,
                CeleryJson.MAPPER.getTypeFactory().constructType(String.class),
                CeleryJson.MAPPER.getTypeFactory().constructCollectionType(List.class, Long.class));
    try (Worker worker = app.worker().concurrency(1).start()) {
      Map<String, List<Long>> groups =
          app.signature("t.groups")
              .<Map<String, List<Long>>>applyAsync(CallOptions.create(), mapOfLists)
              .get(Duration.ofSeconds(5));
      assertThat(groups.get("even")).containsExactly(2L, 4L);
      assertThat(groups.get("odd").get(0)).isInstanceOf(Long.class);
    }
  }
}
