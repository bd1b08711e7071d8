package io.corral.services.engine;

import io.corral.services.app.ServiceException;
import java.util.List;

/**
 * What an API command did: its answer ({@code value}) or why it was refused ({@code error}, with no
 * effects), and the effects to carry out before answering.
 */
public record Result<T>(T value, ServiceException error, List<Effect> effects) {
  public Result {
    effects = List.copyOf(effects);
  }

  static <T> Result<T> refused(ServiceException error) {
    return new Result<>(null, error, List.of());
  }
}
