package dev.apium.spring;

import dev.apium.Apium;
import dev.apium.Task;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Registers the public {@link Task} methods of every singleton bean with the {@link Apium} bean,
 * once all singletons exist and before any lifecycle bean (the worker) starts. A bean proxied by
 * Spring AOP with CGLIB (the Boot default) is registered through its proxy, so advice such as
 * {@code @Transactional} applies to task calls; an interface-based (JDK) proxy is refused with a
 * hint. Runs on the thread that refreshes the context.
 */
public final class ApiumTaskRegistrar implements SmartInitializingSingleton {
  private static final Logger log = LoggerFactory.getLogger(ApiumTaskRegistrar.class);

  private final ConfigurableListableBeanFactory beanFactory;
  private final ObjectProvider<Apium> apium;

  ApiumTaskRegistrar(ConfigurableListableBeanFactory beanFactory, ObjectProvider<Apium> apium) {
    this.beanFactory = beanFactory;
    this.apium = apium;
  }

  @Override
  public void afterSingletonsInstantiated() {
    Apium app = apium.getIfAvailable();
    if (app == null) {
      return;
    }
    for (String name : beanFactory.getBeanNamesForType(Object.class, false, false)) {
      Class<?> type = beanFactory.getType(name, false);
      if (type == null) {
        continue;
      }
      if (Proxy.isProxyClass(type)) {
        refuseInterfaceProxyWithTasks(name);
        continue;
      }
      if (!hasTasks(ClassUtils.getUserClass(type))) {
        continue;
      }
      Object bean = beanFactory.getBean(name);
      Set<String> tasks = app.register(bean, ClassUtils.getUserClass(bean.getClass()));
      log.info("Registered tasks {} of bean '{}'", tasks, name);
    }
  }

  /** A JDK proxy hides its target's annotations; say so rather than skip its tasks silently. */
  private void refuseInterfaceProxyWithTasks(String name) {
    Object bean = beanFactory.getBean(name);
    if (hasTasks(AopUtils.getTargetClass(bean))) {
      throw new IllegalStateException(
          "bean '"
              + name
              + "' has @Task methods but is an interface-based (JDK) proxy: set"
              + " spring.aop.proxy-target-class=true or move the @Task methods to an unproxied bean");
    }
  }

  private static boolean hasTasks(Class<?> type) {
    for (Method method : type.getMethods()) {
      if (method.isAnnotationPresent(Task.class)) {
        return true;
      }
    }
    return false;
  }
}
