package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A call of the wrong shape fails as CPython's TypeError, in CPython 3.11's words. */
class TypeErrorWordingTest {
  public long three(long x, long y, long z) {
    return x + y + z;
  }

  public long one(long x, TaskContext context) {
    return x;
  }

  private static ArgumentBinder binder(String name) throws Exception {
    for (Method m : TypeErrorWordingTest.class.getMethods()) {
      if (m.getName().equals(name)) {
        return new ArgumentBinder("t." + name, m);
      }
    }
    throw new IllegalStateException(name);
  }

  private static String typeError(String method, List<?> args, ObjectNode kwargs) {
    ArrayNode json = (ArrayNode) CeleryJson.toTree(args);
    Throwable thrown = null;
    try {
      binder(method).bind(json, kwargs, null);
    } catch (Throwable e) {
      thrown = e;
    }
    assertThat(thrown).isInstanceOf(TaskError.class);
    TaskError error = (TaskError) thrown;
    assertThat(error.module() + "." + error.type()).isEqualTo("builtins.TypeError");
    return error.getMessage();
  }

  @Test
  void wordsAreCPythons() {
    ObjectNode none = CeleryJson.object();
    assertThat(typeError("three", List.of(1, 2, 3, 4), none))
        .isEqualTo("three() takes 3 positional arguments but 4 were given");
    assertThat(typeError("one", List.of(1, 2), none))
        .isEqualTo("one() takes 1 positional argument but 2 were given");
    assertThat(typeError("three", List.of(1), none))
        .isEqualTo("three() missing 2 required positional arguments: 'y' and 'z'");
    assertThat(typeError("three", List.of(), none))
        .isEqualTo("three() missing 3 required positional arguments: 'x', 'y', and 'z'");
    ObjectNode x = CeleryJson.object().put("x", 1);
    assertThat(typeError("three", List.of(1, 2, 3), x))
        .isEqualTo("three() got multiple values for argument 'x'");
    ObjectNode w = CeleryJson.object().put("w", 1);
    assertThat(typeError("one", List.of(1), w))
        .isEqualTo("one() got an unexpected keyword argument 'w'");
  }

  @Test
  void taskErrorCarriesAnyNumberOfArguments() {
    assertThat(TaskError.of("m", "E", "a", 2).args()).containsExactly("a", 2);
    assertThat(TaskError.of("m", "E", "a", 2).getMessage()).isEqualTo("(a, 2)");
    assertThat(TaskError.of("m", "E").args()).isEmpty();
    assertThat(new TaskError("ValueError", "boom").args()).containsExactly("boom");
    assertThatThrownBy(() -> TaskError.of("", "E")).hasMessageContaining("module and type");
  }

  @Test
  void emptyChainsAndGroupsAreAccepted() {
    assertThat(Chain.of().tasks()).isEmpty();
    assertThat(Chain.of(List.of()).tasks()).isEmpty();
    assertThat(Group.of(List.of()).tasks()).isEmpty();
    assertThatThrownBy(() -> Chain.of().delay()).hasMessageContaining("empty chain");
    assertThatThrownBy(() -> Group.of(List.of()).delay()).hasMessageContaining("Group.of(app");
  }
}
