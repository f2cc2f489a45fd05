/**
 * Server profiles: the downstream SMTP servers and Core servers, which recipient domains route to which profile,
 * their TLS and credentials, and a reachability check. The pipeline asks only for a recipient's route
 * ({@link io.moat.settings.profiles.ServerProfileService#smtpRoute}) and the Core client.
 */
package io.moat.settings.profiles;
