package dev.bastion.controller.hardening;

/**
 * One field that keeps an object from passing a check.
 *
 * @param path the field, e.g. {@code spec.podTemplate.spec.containers[0].securityContext}
 * @param problem what is wrong with it, e.g. {@code is unset: Kubernetes mounts the service account
 *     token by default}
 * @param fix what to write instead, e.g. {@code set it to true}
 */
public record Finding(String path, String problem, String fix) {}
