package io.moat.delivery.pipeline;

import io.moat.core.CoreClient;
import io.moat.core.CoreRejectedException;
import io.moat.core.CoreUnavailableException;
import io.moat.delivery.marks.CopyMarks;
import io.moat.persistence.AttachmentEntity;
import io.moat.settings.rules.SecurityRule.CdrFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Deep CDR at the decision (ADR 40): for a message whose rule uses sanitized files and whose verdicts let it be
 * delivered, each part Core sanitized is downloaded from Core ({@code GET /file/converted/{data_id}}, at most
 * {@code moat.cdr.max-bytes}) into the message's parts folder, to be put in the part's place in the delivered copy
 * ({@link CopyMarks.Swap}). A part whose sanitization failed (Core says so, it has no copy, the copy is too large, or
 * the part cannot be replaced alone) is a failure: the rule's {@code onFailure} blocks the message or delivers the
 * original, tagged. Core being unavailable is neither: the exception goes up and the claim is tried again.
 */
final class SanitizedParts {

    /** What Core said of a part's sanitization (recorded at the scan) and what the decision made of it. */
    static final String SANITIZED = AttachmentEntity.CDR_SANITIZED;
    static final String FAILED = AttachmentEntity.CDR_FAILED;
    static final String REPLACED = AttachmentEntity.CDR_REPLACED;

    private SanitizedParts() {
    }

    /**
     * A part of the message as the decision sees it: {@code cdr} is what Core reported ({@link #SANITIZED},
     * {@link #FAILED}, or null for no sanitization); {@code cdrName} the sanitized copy's name; {@code kept} false
     * for a part the rule cuts out (nothing to sanitize there).
     */
    record Part(int index, String fileName, String dataId, String cdr, String cdrName,
            Long entityStart, Long entityEnd, boolean kept) {
    }

    /**
     * The outcome: the copy's changes ({@code swaps}, and for {@link CdrFailure#DELIVER_ORIGINAL} the parts delivered
     * unsanitized), what is recorded per part (index to {@link #REPLACED} or {@link #FAILED}), and the failures
     * ({@code "<name> (<why>)"}; with {@link CdrFailure#BLOCK} the message is not delivered).
     */
    record Outcome(CopyMarks.Sanitized copy, Map<Integer, String> recorded, List<String> failures) {

        boolean blocks(CdrFailure onFailure) {
            return onFailure == CdrFailure.BLOCK && !failures.isEmpty();
        }
    }

    /** Whether any part has something for Deep CDR to do: without one, Core is not asked. */
    static boolean anyToDo(List<Part> parts) {
        return parts.stream().anyMatch(p -> p.kept() && p.cdr() != null);
    }

    /**
     * Fetches the sanitized copies of the kept parts Core sanitized into {@code folder}, each at most
     * {@code maxBytes}.
     *
     * @throws CoreUnavailableException Core could not be asked now (the claim is tried again)
     * @throws IOException the folder cannot be written
     */
    static Outcome fetch(List<Part> parts, CoreClient core, Path folder, long maxBytes, CdrFailure onFailure)
            throws CoreUnavailableException, IOException {
        List<CopyMarks.Swap> swaps = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<Integer, String> recorded = new LinkedHashMap<>();
        for (Part p : parts) {
            if (!p.kept() || p.cdr() == null) {
                continue;
            }
            String why = p.cdr().equals(FAILED) ? "Core could not sanitize it" : placeable(p, parts);
            if (why == null) {
                Path file = folder.resolve("sanitized-" + p.index());
                why = download(p, core, file, maxBytes);
                if (why == null) {
                    boolean renamed = p.cdrName() != null && !p.cdrName().equals(p.fileName());
                    swaps.add(new CopyMarks.Swap(p.entityStart(), p.entityEnd(), file,
                            renamed ? p.cdrName() : null, renamed ? typeOf(p.cdrName()) : null,
                            renamed ? p.fileName() + " as " + p.cdrName() : p.fileName()));
                    recorded.put(p.index(), REPLACED);
                    continue;
                }
            }
            failures.add(p.fileName() + " (" + why + ")");
            recorded.put(p.index(), FAILED);
        }
        if (onFailure == CdrFailure.BLOCK && !failures.isEmpty()) {
            // nothing is delivered: no part went out sanitized (what Core made of each stays as the scan recorded)
            recorded.values().removeIf(REPLACED::equals);
            return new Outcome(CopyMarks.Sanitized.NONE, recorded, failures);
        }
        List<String> unsanitized = onFailure == CdrFailure.DELIVER_ORIGINAL ? failures : List.of();
        return new Outcome(new CopyMarks.Sanitized(swaps, unsanitized), recorded, failures);
    }

    /**
     * Null if the part can be replaced on its own; else why not: it must be its own MIME entity, which no other part
     * shares (a file found in a body's text, or a part of a forwarded message in base64, lies in its holder's).
     */
    private static String placeable(Part p, List<Part> parts) {
        if (p.entityStart() == null || p.entityEnd() == null) {
            return "its place in the message is not known";
        }
        boolean shared = parts.stream().anyMatch(o -> o.index() != p.index()
                && p.entityStart().equals(o.entityStart()) && p.entityEnd().equals(o.entityEnd()));
        return shared ? "it is not a MIME part of its own, so it cannot be replaced alone" : null;
    }

    /** Null when the sanitized copy is in {@code file}; else why not. */
    private static String download(Part p, CoreClient core, Path file, long maxBytes)
            throws CoreUnavailableException, IOException {
        Files.createDirectories(file.getParent());
        try {
            return switch (core.fetchSanitized(p.dataId(), file, maxBytes)) {
                case WRITTEN -> null;
                case NOT_FOUND -> "Core has no sanitized copy";
                case TOO_LARGE -> "the sanitized copy is larger than " + maxBytes + " bytes (moat.cdr.max-bytes)";
            };
        } catch (CoreRejectedException e) {
            return "Core refused the sanitized copy: HTTP " + e.status();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * The content type of a file by its name's extension (the sanitized copy may have another type than the part:
     * Core converts some documents), {@code application/octet-stream} when the name does not say.
     */
    static String typeOf(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String type = URLConnection.getFileNameMap().getContentTypeFor(lower);
        if (type != null) {
            return type;
        }
        int dot = lower.lastIndexOf('.');
        return switch (dot < 0 ? "" : lower.substring(dot + 1)) {
            case "pdf" -> "application/pdf";
            case "docx" -> "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
            case "xlsx" -> "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            case "pptx" -> "application/vnd.openxmlformats-officedocument.presentationml.presentation";
            case "doc" -> "application/msword";
            case "xls" -> "application/vnd.ms-excel";
            case "ppt" -> "application/vnd.ms-powerpoint";
            case "rtf" -> "application/rtf";
            case "zip" -> "application/zip";
            case "svg" -> "image/svg+xml";
            case "html", "htm" -> "text/html";
            case "txt" -> "text/plain";
            default -> "application/octet-stream";
        };
    }
}
