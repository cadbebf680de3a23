package dev.apium.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;

/**
 * A {@code @SpringBootTest} whose Apium runs on a {@code memory://} broker and backend private to
 * the test's context, with the worker on ({@code apium.test.mode=memory}): tasks sent in the test
 * run on the context's own worker, with no server and nothing read from {@code apium.properties} or
 * {@code APIUM_*} variables. Add more properties with {@code @TestPropertySource}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(properties = "apium.test.mode=memory")
public @interface ApiumTest {

  /** The component classes that load the context, as {@link SpringBootTest#classes()}. */
  @AliasFor(annotation = SpringBootTest.class, attribute = "classes")
  Class<?>[] classes() default {};
}
