package io.corral.fetcher.hdfs;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link MiniHdfs} parameters with one cluster per test JVM: started by the first test
 * class that asks for it, kept in the root store, closed by JUnit when the whole run ends.
 * (Surefire runs this module's test classes in one forked JVM.)
 */
public final class MiniHdfsExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MiniHdfsExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == MiniHdfs.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).computeIfAbsent(MiniHdfs.class, k -> MiniHdfs.start(), MiniHdfs.class);
  }
}
