package dev.bastion.gateway.auth;

/**
 * Who is calling: every sandbox belongs to one tenant and is invisible to the others.
 *
 * @param admin whether this tenant may change templates, pools and policies
 */
public record Tenant(String name, boolean admin) {}
