package io.moat.core;

/**
 * Maps Core's {@code scan_all_result_i} codes to {@link VerdictCategory}. An unknown code is a failure, never clean.
 * An archive Core gave up on (too deep, too large, too many files, too slow) is suspicious, not a failure to retry:
 * what it holds was not inspected and would not be on the next try either, and such archives are the classic way to
 * hide a payload from a scanner (fail closed).
 *
 * <table>
 * <caption>scan_all_result_i to category</caption>
 * <tr><th>code</th><th>Core's meaning</th><th>category</th></tr>
 * <tr><td>0</td><td>No Threat Detected</td><td>CLEAN</td></tr>
 * <tr><td>7</td><td>Skipped – Allowlisted</td><td>CLEAN</td></tr>
 * <tr><td>1</td><td>Infected</td><td>INFECTED</td></tr>
 * <tr><td>4</td><td>Cleaned / Deleted (it had a threat)</td><td>INFECTED</td></tr>
 * <tr><td>2</td><td>Suspicious</td><td>SUSPICIOUS</td></tr>
 * <tr><td>8</td><td>Skipped – Blocklisted</td><td>SUSPICIOUS</td></tr>
 * <tr><td>17</td><td>File Type Mismatch</td><td>SUSPICIOUS</td></tr>
 * <tr><td>18</td><td>Potentially Vulnerable File</td><td>SUSPICIOUS</td></tr>
 * <tr><td>20</td><td>Sensitive Data Found</td><td>SUSPICIOUS</td></tr>
 * <tr><td>21</td><td>Yara Rule Matched</td><td>SUSPICIOUS</td></tr>
 * <tr><td>22</td><td>Potentially Unwanted Program</td><td>SUSPICIOUS</td></tr>
 * <tr><td>9</td><td>Exceeded Archive Depth</td><td>SUSPICIOUS</td></tr>
 * <tr><td>13</td><td>Exceeded Archive Size</td><td>SUSPICIOUS</td></tr>
 * <tr><td>14</td><td>Exceeded Archive File Number</td><td>SUSPICIOUS</td></tr>
 * <tr><td>16</td><td>Exceeded Archive Timeout</td><td>SUSPICIOUS</td></tr>
 * <tr><td>12</td><td>Encrypted Archive</td><td>PASSWORD_REQUIRED</td></tr>
 * <tr><td>15</td><td>Password Protected Document</td><td>PASSWORD_REQUIRED</td></tr>
 * <tr><td>255</td><td>In Progress</td><td>PENDING</td></tr>
 * <tr><td>3</td><td>Failed</td><td>FAILED</td></tr>
 * <tr><td>5</td><td>Unknown (legacy)</td><td>FAILED</td></tr>
 * <tr><td>6</td><td>Quarantined (legacy)</td><td>FAILED</td></tr>
 * <tr><td>10</td><td>Not Scanned</td><td>FAILED</td></tr>
 * <tr><td>11</td><td>Aborted (legacy)</td><td>FAILED</td></tr>
 * <tr><td>19</td><td>Canceled</td><td>FAILED</td></tr>
 * <tr><td>23</td><td>Unsupported File Type</td><td>FAILED</td></tr>
 * <tr><td>any other</td><td>unknown</td><td>FAILED</td></tr>
 * </table>
 *
 * <p>
 * With Core's {@code process_info.result}: when it is {@code Blocked} but the code maps to CLEAN, the category is
 * SUSPICIOUS, because Core's own policy blocked the file.
 */
public final class VerdictMapper {

    private VerdictMapper() {
    }

    /**
     * The category of a {@code scan_all_result_i} code, following the table above.
     *
     * @param scanAllResultI Core's code
     * @return the category; FAILED for an unknown code
     */
    public static VerdictCategory categoryOf(int scanAllResultI) {
        return switch (scanAllResultI) {
            case 0, 7 -> VerdictCategory.CLEAN;
            case 1, 4 -> VerdictCategory.INFECTED;
            case 2, 8, 9, 13, 14, 16, 17, 18, 20, 21, 22 -> VerdictCategory.SUSPICIOUS;
            case 12, 15 -> VerdictCategory.PASSWORD_REQUIRED;
            case 255 -> VerdictCategory.PENDING;
            // 3, 5, 6, 10, 11, 19, 23 and every code we do not know
            default -> VerdictCategory.FAILED;
        };
    }

    /**
     * The category of a code, taking Core's overall decision into account: a {@code Blocked} file is never CLEAN.
     *
     * @param code          Core's {@code scan_all_result_i}
     * @param processResult Core's {@code process_info.result} ({@code Allowed}, {@code Blocked}, …), or {@code null}
     * @return the category
     */
    public static VerdictCategory categoryOf(int code, String processResult) {
        VerdictCategory category = categoryOf(code);
        if (category == VerdictCategory.CLEAN && processResult != null
                && processResult.strip().equalsIgnoreCase("Blocked")) {
            return VerdictCategory.SUSPICIOUS;
        }
        return category;
    }
}
