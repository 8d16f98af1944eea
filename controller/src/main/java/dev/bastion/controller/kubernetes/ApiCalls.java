package dev.bastion.controller.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/** The API server's answers that mean "already done" for an idempotent reconcile step. */
final class ApiCalls {

  private ApiCalls() {}

  /** Runs a delete; an object already gone is what the delete wanted. */
  static void ignoreNotFound(Runnable delete) {
    try {
      delete.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
    }
  }

  /**
   * Runs a create or an update; a conflict means the object exists or changed meanwhile, and the
   * watch event of that change brings another pass, which compares again.
   */
  static void ignoreConflict(Runnable write) {
    try {
      write.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }
}
