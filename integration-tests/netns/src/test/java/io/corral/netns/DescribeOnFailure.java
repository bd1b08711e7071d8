package io.corral.netns;

import java.lang.reflect.Method;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/** Adds what the cluster looked like (hosts, partitions, each daemon's log tail) to a failing test's error. */
final class DescribeOnFailure implements InvocationInterceptor {
  private final Supplier<String> describe;

  DescribeOnFailure(Supplier<String> describe) {
    this.describe = describe;
  }

  @Override
  public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> context,
      ExtensionContext extension) throws Throwable {
    try {
      invocation.proceed();
    } catch (org.opentest4j.TestAbortedException e) {
      throw e;
    } catch (Throwable t) {
      AssertionError e = new AssertionError(t.getMessage() + "\n" + describe.get(), t);
      throw e;
    }
  }
}
