package io.moat.devtools;

import java.time.Instant;

/**
 * One file accepted by {@link CoreEmulator} ({@code POST /file} answered 200). Archive passwords are never kept, only
 * whether there were any.
 *
 * @param dataId               the {@code data_id} handed out (32 hex digits)
 * @param filename             the URL-decoded {@code filename} header, or {@code null}
 * @param rule                 the URL-decoded {@code rule} header, or {@code null}
 * @param userAgent            the {@code user_agent} header, or {@code null}
 * @param callbackUrl          the {@code callbackurl} header, or {@code null}
 * @param archivePasswordGiven whether at least one {@code archivepwd}, {@code archivepwd1}, ... header came
 * @param size                 body size in bytes
 * @param sha256               SHA-256 of the body, lower-case hex
 * @param verdict              the final {@code scan_all_result_a}, e.g. {@code Infected}
 * @param receivedAt           when the submission was accepted
 */
public record Submission(String dataId, String filename, String rule, String userAgent, String callbackUrl,
        boolean archivePasswordGiven, long size, String sha256, String verdict, Instant receivedAt) {
}
