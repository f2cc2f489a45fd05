/**
 * Client of the OPSWAT MetaDefender Core v4 REST API, as the gateway sees it.
 *
 * <p>
 * Everything Core-specific (JSON field names, HTTP headers, numeric verdict codes) is translated here into the small
 * vocabulary of this package: {@link io.moat.core.ScanResult}, {@link io.moat.core.VerdictCategory} and two
 * exceptions that tell the caller whether to retry ({@link io.moat.core.CoreUnavailableException}) or to give up
 * ({@link io.moat.core.CoreRejectedException}). Nothing outside this module sees Core's JSON.
 *
 * <p>
 * Start with {@link io.moat.core.CoreClients#create(CoreServer)}.
 */
package io.moat.core;
