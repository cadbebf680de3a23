package dev.apium.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the Apium version from the jar manifest, and the Java runtime. Stateless. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = ApiumCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "apium "
          + (version == null ? "development build" : version)
          + " (Celery protocol 2, compatible with Celery 5.2)",
      "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
