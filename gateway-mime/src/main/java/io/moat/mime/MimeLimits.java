package io.moat.mime;

/**
 * How far the gateway takes one message apart before it stops: a message past any of these is not delivered, it is
 * quarantined as "could not be fully inspected" (what was found before the limit is still scanned, so that a threat
 * found there blocks it). Each is a bootstrap setting ({@code moat.mime.*}).
 *
 * @param maxParts MIME entities in the whole message, nested messages and containers included: bounds the work and
 *        the records per message (a 2 MB message can hold 300,000 empty parts)
 * @param maxDepth nesting of multiparts and forwarded messages below the top-level message
 * @param maxHeaderBytes the header section of one entity, in bytes: a header is parsed in memory
 * @param maxDecodedBytes the decoded content of the whole message (parts and forwarded messages decoded from base64
 *        or quoted-printable) in bytes: nested encodings decode the same bytes once per level
 */
public record MimeLimits(int maxParts, int maxDepth, int maxHeaderBytes, long maxDecodedBytes) {

    /** 1,000 parts, 20 levels, 64 KiB of header per entity, 128 MiB decoded. */
    public static final MimeLimits DEFAULT = new MimeLimits(1000, 20, 64 * 1024, 128L * 1024 * 1024);

    public MimeLimits {
        if (maxParts < 1 || maxDepth < 1 || maxHeaderBytes < 1024 || maxDecodedBytes < 1) {
            throw new IllegalArgumentException("MIME limits must be positive (parts " + maxParts + ", depth "
                    + maxDepth + ", header bytes " + maxHeaderBytes + " (at least 1024), decoded bytes "
                    + maxDecodedBytes + ")");
        }
    }
}
