package io.corral.hadoop;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes the run's one {@link HadoopJobs} (HDFS + a Corral cluster of 2 agent
 * processes), started on first use and closed when the run ends: every Hadoop test class of the
 * suite shares it, which keeps the suite within its budget on 2 cores.
 */
final class SharedHadoop implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedHadoop.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == HadoopJobs.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .computeIfAbsent(HadoopJobs.class, k -> HadoopJobs.startUnchecked("suite", 2), HadoopJobs.class);
  }
}
