/**
 * Server profiles: the downstream SMTP servers and Core servers, which recipient domains route to which profile,
 * their TLS and credentials, and a reachability check. The pipeline sees only two small interfaces of it:
 * {@link io.moat.settings.profiles.RecipientRoutes} and {@link io.moat.settings.profiles.ScanServers}.
 */
package io.moat.settings.profiles;
