package dev.apium.samples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot app that runs Apium tasks: the starter builds the {@code Apium} bean from
 * application.properties, registers {@link InvoiceTasks}, and runs a worker with the context.
 */
@SpringBootApplication
public class SampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
